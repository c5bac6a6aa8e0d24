// Package identity turns the identifiers a channel record carries (phone,
// device fingerprint, email, member id, WeChat open/union id, resident ID
// number, and kinds the host registers) into one customer id per person.
//
// Identifier values are canonicalised with package customer/clean and then
// replaced by opaque tokens from an injected Tokenizer, so a Store never
// needs plaintext identifiers. Linking is a deterministic function of the
// set of records, the Rules and the operators' Constraints (union-find over
// the identifier graph, see Resolve): the same records in any order give
// the same customers, and a later record may split customers as well as
// merge them (a device that crosses its sharing limit stops linking).
// When a record joins several customers, the one holding most of the
// joined records keeps its id (ties: the one seen first) and the others are
// absorbed. Every merge and split is an Event with its reason; Unmerge undoes a
// merge exactly and records a cannot-link so later ingests respect it;
// Explain prints why records belong together with personal data masked.
//
// Smallest use:
//
//	r := identity.NewResolver(memstore.New(), nil)
//	res, err := r.Ingest(ctx, identity.Record{
//		ID: "pos-1", Channel: "store_pos", At: time.Now(),
//		Identifiers: []identity.Identifier{{Kind: identity.KindPhone, Value: "138 1234 5678"}},
//	})
//	// res.CustomerID, res.Outcome (created, matched, merged, split)
package identity
