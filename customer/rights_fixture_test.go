package customer_test

// Shared fixture of the Rights tests: a store that fails on demand and a
// person merged from two customers.

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/cimkit/cimkit/customer"
	"github.com/cimkit/cimkit/identity"
	"github.com/cimkit/cimkit/memstore"
	"github.com/cimkit/cimkit/privacy"
	"github.com/cimkit/cimkit/privacy/audit"
	"github.com/cimkit/cimkit/privacy/consent"
	"github.com/cimkit/cimkit/tagging"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"
)

var errInjected = errors.New("injected failure")

// faulty wraps memstore and fails the n-th call (from arming) of every
// method an erasure uses, reads and writes alike.
type faulty struct {
	*memstore.Store
	mu          sync.Mutex
	calls, fail int // fail 0: never
	steps       []string
}

func (f *faulty) hit(step string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail == 0 {
		return nil
	}
	f.calls++
	f.steps = append(f.steps, step)
	if f.calls == f.fail {
		return fmt.Errorf("%s: %w", step, errInjected)
	}
	return nil
}

func (f *faulty) arm(n int) { f.mu.Lock(); f.calls, f.fail, f.steps = 0, n, nil; f.mu.Unlock() }

func (f *faulty) GetCustomer(ctx context.Context, id uuid.UUID) (customer.Customer, error) {
	if err := f.hit("GetCustomer"); err != nil {
		return customer.Customer{}, err
	}
	return f.Store.GetCustomer(ctx, id)
}
func (f *faulty) DeleteCustomer(ctx context.Context, id uuid.UUID) error {
	if err := f.hit("DeleteCustomer"); err != nil {
		return err
	}
	return f.Store.DeleteCustomer(ctx, id)
}
func (f *faulty) UpdateOrder(ctx context.Context, o customer.Order) (customer.Order, error) {
	if err := f.hit("UpdateOrder"); err != nil {
		return customer.Order{}, err
	}
	return f.Store.UpdateOrder(ctx, o)
}
func (f *faulty) UpdateTicket(ctx context.Context, t customer.Ticket) (customer.Ticket, error) {
	if err := f.hit("UpdateTicket"); err != nil {
		return customer.Ticket{}, err
	}
	return f.Store.UpdateTicket(ctx, t)
}
func (f *faulty) ListOrders(ctx context.Context, c uuid.UUID, tok string, n int) ([]customer.Order, string, error) {
	if err := f.hit("ListOrders"); err != nil {
		return nil, "", err
	}
	return f.Store.ListOrders(ctx, c, tok, n)
}
func (f *faulty) RedactActivity(ctx context.Context, c uuid.UUID) (int, error) {
	if err := f.hit("RedactActivity"); err != nil {
		return 0, err
	}
	return f.Store.RedactActivity(ctx, c)
}
func (f *faulty) PutTombstones(ctx context.Context, ts []identity.Tombstone) error {
	if err := f.hit("PutTombstones"); err != nil {
		return err
	}
	return f.Store.PutTombstones(ctx, ts)
}
func (f *faulty) DeleteIdentityRecords(ctx context.Context, ids []string) error {
	if err := f.hit("DeleteIdentityRecords"); err != nil {
		return err
	}
	return f.Store.DeleteIdentityRecords(ctx, ids)
}
func (f *faulty) IdentityCustomers(ctx context.Context, ids []uuid.UUID) ([]identity.CustomerEntry, error) {
	if err := f.hit("IdentityCustomers"); err != nil {
		return nil, err
	}
	return f.Store.IdentityCustomers(ctx, ids)
}

// shredder fails through the same counter.
type shredder struct {
	f *faulty
	v *privacy.Vault
}

func (s shredder) Shred(ctx context.Context, tenant, id string) (privacy.ShredReceipt, error) {
	if err := s.f.hit("Shred"); err != nil {
		return privacy.ShredReceipt{}, err
	}
	return s.v.Shred(ctx, tenant, id)
}

// auditor records entries and fails through the counter too.
type auditor struct {
	f       *faulty
	mu      sync.Mutex
	entries []audit.Entry
}

func (a *auditor) Append(ctx context.Context, e audit.Entry) (uint64, error) {
	if err := a.f.hit("Audit"); err != nil {
		return 0, err
	}
	if err := e.Validate(); err != nil {
		return 0, err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.entries = append(a.entries, e)
	return uint64(len(a.entries) - 1), nil
}

func (f *faulty) RemoveTag(ctx context.Context, customerID, tag, by, reason string, at time.Time) error {
	if err := f.hit("RemoveTag"); err != nil {
		return err
	}
	return f.Store.RemoveTag(ctx, customerID, tag, by, reason, at)
}

// tagEraser removes every current tag of an erased customer.
type tagEraser struct{ s tagging.Store }

func (e tagEraser) EraseSubject(ctx context.Context, id uuid.UUID) error {
	as, err := e.s.CustomerTags(ctx, id.String())
	if err != nil {
		return err
	}
	for _, a := range as {
		if err := e.s.RemoveTag(ctx, a.CustomerID, a.Tag, "erasure", "erased", rightsT0); err != nil && !errors.Is(err, tagging.ErrNotFound) {
			return err
		}
	}
	return nil
}

type fixture struct {
	svc       *customer.Service
	rights    *customer.Rights
	st        *faulty
	vault     *privacy.Vault
	aud       *auditor
	a, f, b   uuid.UUID // survivor, former (merged into a), bystander
	sealed    []byte
	recordIDs []string
}

var rightsT0 = time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)

func sealAD(a uuid.UUID) privacy.AssociatedData {
	return privacy.AssociatedData{Tenant: "default", RecordKind: "customer", RecordID: a.String(), CustomerID: a.String(), Field: "phone"}
}

func newRightsVault(t *testing.T) *privacy.Vault {
	t.Helper()
	path := filepath.Join(t.TempDir(), "keys.json")
	if _, err := privacy.InitKeyFile(path, nil); err != nil {
		t.Fatal(err)
	}
	km, err := privacy.NewLocalKeyManager(path)
	if err != nil {
		t.Fatal(err)
	}
	v, err := privacy.New(memstore.New(), km, &privacy.Options{Rand: rand.NewChaCha8([32]byte{7}),
		Now: func() time.Time { return rightsT0 }})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// newFixture ingests person A from three records (two customers merged by
// the third), bystander B, and gives A and the former id activity with
// free text.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	st := &faulty{Store: memstore.New()}
	n := 0
	clock := rightsT0
	svc := customer.New(st, &customer.Options{
		Now: func() time.Time { return clock },
		NewID: func() uuid.UUID {
			n++
			return uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "rights/%d", n))
		},
	})
	fx := &fixture{svc: svc, st: st, vault: newRightsVault(t)}
	fx.aud = &auditor{f: st}
	fx.rights = customer.NewRights(svc, &customer.RightsOptions{Shredder: shredder{st, fx.vault}, Audit: fx.aud,
		Consents: st, Erasers: []customer.SubjectEraser{tagEraser{st}}, Actor: func(context.Context) (string, string) { return "dpo-1", "privacy_officer" }})
	must := func(r customer.IngestResult, err error) uuid.UUID {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return r.CustomerID
	}
	x1 := must(svc.Ingest(ctx, customer.SourceRecord{ID: "app:1", Channel: customer.ChannelApp, At: rightsT0, Name: "张三", Phone: "13812345678"}))
	x2 := must(svc.Ingest(ctx, customer.SourceRecord{ID: "web:2", Channel: customer.ChannelWeb, At: rightsT0.Add(time.Hour), Email: "zhangsan@qq.com", Address: "广东省深圳市南山区南海大道30号"}))
	// The former id's order, placed before the merge.
	o := order(x2, 2500)
	oo, err := svc.AddOrder(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AdvanceOrder(ctx, oo.ID, customer.Transition{To: "paid", Note: "paid by 张三 13812345678"}); err != nil {
		t.Fatal(err)
	}
	fx.a = must(svc.Ingest(ctx, customer.SourceRecord{ID: "pos:3", Channel: customer.ChannelStorePOS, At: rightsT0.Add(2 * time.Hour),
		Phone: "138-1234-5678", Email: "ZhangSan@QQ.com"}))
	fx.f = x1
	if fx.a == x1 {
		fx.f = x2
	}
	if fx.a == fx.f || (fx.a != x1 && fx.a != x2) {
		t.Fatalf("merge did not happen as expected: a=%v x1=%v x2=%v", fx.a, x1, x2)
	}
	// Orders made before the merge stay under their customer id: the
	// former id's order must be followed.
	if fx.f != x2 {
		t.Fatalf("test expects x2 merged into x1; survivor is %v", fx.a)
	}
	fx.b = must(svc.Ingest(ctx, customer.SourceRecord{ID: "app:9", Channel: customer.ChannelApp, At: rightsT0, Name: "李四", Phone: "13900001111"}))
	fx.recordIDs = []string{"app:1", "web:2", "pos:3", "app:9"}

	oa, err := svc.AddOrder(ctx, order(fx.a, 1000, 2000))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AdvanceOrder(ctx, oa.ID, customer.Transition{To: "paid", Note: "leave at 南海大道30号"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddPayment(ctx, customer.Payment{OrderID: oa.ID, CustomerID: fx.a, Method: "alipay", Amount: decimal.NewFromInt(30), Currency: "CNY", Status: "succeeded", At: rightsT0}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.RecordEvents(ctx, customer.Event{CustomerID: fx.a, Type: customer.EventSearch, Channel: customer.ChannelApp, At: rightsT0, Keyword: "张三 的 订单",
		Properties: map[string]string{"q": "13812345678"}}); err != nil {
		t.Fatal(err)
	}
	tk, err := svc.OpenTicket(ctx, customer.Ticket{CustomerID: fx.a, Channel: customer.ChannelApp, Category: "refund"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.UpdateTicket(ctx, tk.ID, customer.TicketUpdate{Status: customer.TicketResolved, Note: "called 13812345678", Resolution: "refunded to 张三"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.RecordFeedback(ctx, customer.Feedback{CustomerID: fx.a, Channel: customer.ChannelApp, NPS: 9, Comment: "我是张三", At: rightsT0}); err != nil {
		t.Fatal(err)
	}
	if err := st.AppendConsent(ctx, consent.Event{ID: uuid.NewSHA1(uuid.NameSpaceOID, []byte("consent")), CustomerID: fx.a,
		Purpose: consent.MarketingSMS, Kind: consent.Grant, At: rightsT0, Channel: "app", PolicyVersion: "v1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddOrder(ctx, order(fx.b, 999)); err != nil {
		t.Fatal(err)
	}
	for _, c := range []uuid.UUID{fx.a, fx.f, fx.b} {
		if err := st.SetTag(ctx, tagging.Assignment{CustomerID: c.String(), Tag: "vip", Weight: 1, Source: "rule", SetBy: "rs-1", At: rightsT0}); err != nil {
			t.Fatal(err)
		}
	}
	fx.sealed, err = fx.vault.Seal(ctx, sealAD(fx.a), []byte("13812345678"))
	if err != nil {
		t.Fatal(err)
	}
	clock = rightsT0.Add(24 * time.Hour) // the erasure happens a day later
	return fx
}

// snapshot is everything erasure may change, read straight from the store.
type snapshot struct {
	Profiles   []string
	Identity   []identity.CustomerEntry
	Records    []identity.StoredRecord
	Tombstones []identity.Tombstone
	Orders     []customer.Order
	Tickets    []customer.Ticket
	Events     []customer.Event
	Feedback   []customer.Feedback
	Tags       [][]tagging.Assignment
	Receipt    customer.ErasureReceipt
	Opens      bool
}

func (fx *fixture) snapshot(t *testing.T, rc customer.ErasureReceipt) snapshot {
	t.Helper()
	ctx := context.Background()
	fx.st.arm(0)
	var s snapshot
	ids := []uuid.UUID{fx.a, fx.f, fx.b}
	for _, id := range ids {
		c, err := fx.st.Store.GetCustomer(ctx, id)
		s.Profiles = append(s.Profiles, fmt.Sprintf("%s %v %v %v", c.Name, c.Phones, c.Emails, err))
		o, _, _ := fx.st.Store.ListOrders(ctx, id, "", 0)
		s.Orders = append(s.Orders, o...)
		tk, _, _ := fx.st.Store.ListTickets(ctx, id, "", 0)
		s.Tickets = append(s.Tickets, tk...)
		ev, _, _ := fx.st.Store.ListEvents(ctx, id, false, "", 0)
		s.Events = append(s.Events, ev...)
		tags, _ := fx.st.Store.CustomerTags(ctx, id.String())
		s.Tags = append(s.Tags, tags)
		fb, _, _ := fx.st.Store.ListFeedback(ctx, id, "", 0)
		s.Feedback = append(s.Feedback, fb...)
	}
	s.Identity, _ = fx.st.Store.IdentityCustomers(ctx, ids)
	s.Records, _ = fx.st.Store.IdentityRecords(ctx, fx.recordIDs)
	s.Tombstones, _ = fx.st.Store.CustomerTombstones(ctx, fx.a)
	_, err := fx.vault.Open(ctx, sealAD(fx.a), fx.sealed)
	s.Opens = err == nil
	s.Receipt = rc
	return s
}
