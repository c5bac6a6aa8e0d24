// Package customer is the 360-degree customer: profile, contacts and
// addresses (raw value kept beside the clean one), orders with a checked
// lifecycle, payments, behaviour events, service tickets and NPS feedback.
//
// Service is the front door: it validates input (errors wrap ErrInvalid and
// name the field, never the value), fills ids, times and versions, enforces
// order and ticket lifecycles, and assembles the View. It sits on a Store
// that the host implements; Store is the union of four small interfaces
// (ProfileStore, OrderStore, EventStore, TicketStore) so an adapter can be
// written and checked one capability at a time with package storetest.
//
//	svc := customer.New(memstore.New(), nil)
//	c, _ := svc.Create(ctx, customer.Customer{Name: "张三"})
//	o, _ := svc.AddOrder(ctx, customer.Order{CustomerID: c.ID, Currency: "CNY", Items: items, Total: total})
//	o, _ = svc.AdvanceOrder(ctx, o.ID, customer.Transition{To: "paid"})
//	v, _ := svc.View(ctx, c.ID, nil)
//
// With Options.Sealer (VaultSealer over a privacy.Vault) the Service
// encrypts every personal field before the Store sees it — name, birth
// date, phones, e-mails, addresses and the attributes named in
// Options.SealAttributes — and keeps only ciphertext in Customer.Sealed;
// reads open it again. A crypto-shredded customer then reads as ErrSealed.
//
// Updates use optimistic concurrency: Update with a stale Version fails
// with ErrConflict; Modify reads, applies a function and retries.
// Formatting a Customer, Contact or Address never prints personal data.
//
// Data subject rights: Rights.Erase crypto-shreds, deletes and tombstones
// a person (re-ingesting their records, or any record with one of their
// identifiers, then fails with identity.ErrErased, even while the erasure
// runs)
// and returns an ErasureReceipt; Rights.Export gathers everything held
// about them as JSON, each item marked provided or derived. Options.ReadFilter
// (an access.Guard) masks profiles per the actor and purpose in the context.
//
//	rights := customer.NewRights(svc, &customer.RightsOptions{Shredder: vault, Audit: log})
//	receipt, err := rights.Erase(ctx, id, "request DSR-17")
package customer
