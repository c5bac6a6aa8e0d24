package customer_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"testing"
	"time"

	"github.com/cimkit/cimkit/customer"
	"github.com/cimkit/cimkit/customer/clean"
	"github.com/cimkit/cimkit/identity"
	"github.com/cimkit/cimkit/memstore"
	"github.com/google/uuid"
)

var ingestT0 = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

func newIngestService() (*customer.Service, *memstore.Store) {
	st := memstore.New()
	n := 0
	return customer.New(st, &customer.Options{
		Now: func() time.Time { return ingestT0 },
		NewID: func() uuid.UUID {
			n++
			return uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "ingest/%d", n))
		},
	}), st
}

func TestIngestGoldenProfileAndLookup(t *testing.T) {
	ctx := context.Background()
	svc, _ := newIngestService()
	a, err := svc.Ingest(ctx, customer.SourceRecord{ID: "pos:1", Channel: customer.ChannelStorePOS, At: ingestT0,
		Name: "张三丰", Gender: "男", Phone: "138 1234 5678", Address: "广东省深圳市南山区南海大道30号"})
	if err != nil || a.Outcome != identity.Created {
		t.Fatalf("first ingest: %+v %v", a, err)
	}
	b, err := svc.Ingest(ctx, customer.SourceRecord{ID: "app:9", Channel: customer.ChannelApp, At: ingestT0.Add(time.Hour),
		Name: "张先生", Phone: "+86-138-1234-5678", Email: "ZS@QQ.COM", Device: "dev-1"})
	if err != nil || b.Outcome != identity.Matched || b.CustomerID != a.CustomerID {
		t.Fatalf("second ingest: %+v %v", b, err)
	}
	if !b.Flags["email"].Has(clean.FlagLowercased) || !b.Flags["name"].Has(clean.FlagTitle) {
		t.Errorf("cleaning flags not reported: %v", b.Flags)
	}
	c, err := svc.Get(ctx, a.CustomerID)
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "张三丰" || c.Gender != customer.GenderMale || len(c.Phones) != 1 || c.Phones[0].Value != "+8613812345678" ||
		len(c.Emails) != 1 || c.Emails[0].Value != "zs@qq.com" || len(c.Addresses) != 1 || c.Addresses[0].City != "深圳市" ||
		c.RegistrationVia != customer.ChannelStorePOS {
		t.Fatalf("golden profile %+v", c)
	}
	got, err := svc.Lookup(ctx, identity.KindPhone, "0086 13812345678")
	if err != nil || got.ID != a.CustomerID {
		t.Fatalf("lookup: %v %v", got.ID, err)
	}
	if _, err := svc.Lookup(ctx, identity.KindPhone, "13912345678"); !errors.Is(err, customer.ErrNotFound) {
		t.Fatalf("lookup unknown: %v, want ErrNotFound", err)
	}
	x, err := svc.Explain(ctx, a.CustomerID)
	if err != nil || len(x.Records) != 2 {
		t.Fatalf("explain: %+v %v", x, err)
	}
}

func TestIngestMergeRemovesAbsorbedProfile(t *testing.T) {
	ctx := context.Background()
	svc, _ := newIngestService()
	a, _ := svc.Ingest(ctx, customer.SourceRecord{ID: "1", Channel: "app", At: ingestT0, Name: "李四", Phone: "13912345678"})
	b, _ := svc.Ingest(ctx, customer.SourceRecord{ID: "2", Channel: "web", At: ingestT0.Add(time.Hour), Name: "李四", Email: "ls@163.com"})
	if a.CustomerID == b.CustomerID {
		t.Fatal("no shared identifier yet, but one customer")
	}
	m, err := svc.Ingest(ctx, customer.SourceRecord{ID: "3", Channel: "app", At: ingestT0.Add(2 * time.Hour), Phone: "13912345678", Email: "ls@163.com"})
	if err != nil || m.Outcome != identity.Merged || m.CustomerID != a.CustomerID || m.Explanation != "merged 2 customers: phone, email" {
		t.Fatalf("bridging ingest: %+v %v", m, err)
	}
	if _, err := svc.Get(ctx, b.CustomerID); !errors.Is(err, customer.ErrNotFound) {
		t.Fatalf("absorbed profile still there: %v", err)
	}
	c, _ := svc.Get(ctx, a.CustomerID)
	if len(c.Phones) != 1 || len(c.Emails) != 1 {
		t.Fatalf("survivor profile lacks merged contacts: %+v", c)
	}
}

// failingApply fails every identity write after the first n.
type failingApply struct {
	*memstore.Store
	n int
}

func (f *failingApply) ApplyIdentity(ctx context.Context, c identity.Change) error {
	if f.n <= 0 {
		return errors.New("disk full")
	}
	f.n--
	return f.Store.ApplyIdentity(ctx, c)
}

func TestIngestFailedMergeLeavesStoreAsBefore(t *testing.T) {
	ctx := context.Background()
	st := &failingApply{Store: memstore.New(), n: 2}
	svc := customer.New(st, &customer.Options{Now: func() time.Time { return ingestT0 }})
	a, _ := svc.Ingest(ctx, customer.SourceRecord{ID: "1", Channel: "app", At: ingestT0, Phone: "13912345678"})
	b, _ := svc.Ingest(ctx, customer.SourceRecord{ID: "2", Channel: "app", At: ingestT0, Email: "ls@163.com"})
	snap := func() string {
		recs, _ := st.IdentityRecords(ctx, []string{"1", "2", "3"})
		s := fmt.Sprint(len(recs))
		for _, r := range recs {
			s += " " + r.ID + "=" + r.CustomerID.String()
		}
		for _, id := range []uuid.UUID{a.CustomerID, b.CustomerID} {
			c, err := svc.Get(ctx, id)
			s += fmt.Sprintf(" %v/%d/%v", c.ID, c.Version, err)
		}
		return s
	}
	before := snap()
	if _, err := svc.Ingest(ctx, customer.SourceRecord{ID: "3", Channel: "app", At: ingestT0, Phone: "13912345678", Email: "ls@163.com"}); err == nil {
		t.Fatal("ingest succeeded although the store failed")
	}
	if after := snap(); after != before {
		t.Fatalf("failed merge changed the store:\nbefore %s\nafter  %s", before, after)
	}
}

// profileOnly hides the identity methods of memstore.
type profileOnly struct{ customer.Store }

func TestIngestWithoutResolver(t *testing.T) {
	svc := customer.New(profileOnly{memstore.New()}, nil)
	if _, err := svc.Ingest(context.Background(), customer.SourceRecord{ID: "1", Phone: "13912345678"}); !errors.Is(err, customer.ErrNoResolver) {
		t.Fatalf("got %v, want ErrNoResolver", err)
	}
}

func TestIngestBatchKeepsFailures(t *testing.T) {
	ctx := context.Background()
	svc, _ := newIngestService()
	src := []customer.SourceRecord{
		{ID: "1", Channel: "app", Phone: "13912345678"},
		{ID: "2", Channel: "app", Phone: "13800138000"}, // placeholder only
		{ID: "3", Channel: "app", Phone: "139 1234 5678"},
		{ID: "4", Channel: "app", Name: "王五"}, // no identifier
	}
	seq := func(yield func(customer.SourceRecord, error) bool) {
		for _, r := range src {
			if !yield(r, nil) {
				return
			}
		}
		yield(customer.SourceRecord{}, errors.New("line 6: bad quoting"))
	}
	var calls []int
	rep, err := svc.IngestBatch(ctx, iter.Seq2[customer.SourceRecord, error](seq), func(n int) { calls = append(calls, n) })
	if err != nil {
		t.Fatal(err)
	}
	if rep.Records != 5 || rep.Created != 1 || rep.Matched != 1 || len(rep.Failures) != 3 || len(calls) != 5 || calls[4] != 5 {
		t.Fatalf("report %+v, progress %v", rep, calls)
	}
	if f := rep.Failures[0]; f.Index != 1 || f.RecordID != "2" || !errors.Is(f.Err, identity.ErrNoIdentifier) || !errors.Is(f.Err, identity.ErrBlocked) {
		t.Fatalf("failure %+v; want record 2 with ErrNoIdentifier and ErrBlocked", f)
	}
	if f := rep.Failures[1]; f.RecordID != "4" || !errors.Is(f.Err, identity.ErrNoIdentifier) || f.Record.Name != "王五" {
		t.Fatalf("failure %+v; want record 4 with ErrNoIdentifier", f)
	}
}

func TestIngestConcurrentSamePersonOneProfile(t *testing.T) {
	ctx := context.Background()
	st := memstore.New()
	svc := customer.New(st, nil)
	const n = 16
	errs := make(chan error, n)
	start := make(chan struct{})
	for i := range n {
		go func() {
			<-start
			_, err := svc.Ingest(ctx, customer.SourceRecord{ID: fmt.Sprintf("r%d", i), Channel: "app", At: ingestT0,
				Name: "王芳", Phone: "+86 186 0000 1234", Device: fmt.Sprintf("d%d", i%4)})
			errs <- err
		}()
	}
	close(start)
	for range n {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	var profiles []customer.Customer
	for c, err := range svc.Customers(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		profiles = append(profiles, c)
	}
	if len(profiles) != 1 || profiles[0].Name != "王芳" || len(profiles[0].Phones) != 1 {
		t.Fatalf("%d profiles (%+v); want exactly one", len(profiles), profiles)
	}
}

func TestServiceUnmergeRestoresProfiles(t *testing.T) {
	ctx := context.Background()
	svc, _ := newIngestService()
	a, _ := svc.Ingest(ctx, customer.SourceRecord{ID: "1", Channel: "store_pos", At: ingestT0, Name: "李四", Phone: "13912345678"})
	b, _ := svc.Ingest(ctx, customer.SourceRecord{ID: "2", Channel: "web", At: ingestT0.Add(time.Hour), Name: "王五", Email: "ww@163.com"})
	pa, _ := svc.Get(ctx, a.CustomerID)
	pb, _ := svc.Get(ctx, b.CustomerID)
	m, err := svc.Ingest(ctx, customer.SourceRecord{ID: "3", Channel: "app", At: ingestT0.Add(2 * time.Hour), Phone: "13912345678", Email: "ww@163.com"})
	if err != nil || m.Outcome != identity.Merged {
		t.Fatalf("merge: %+v %v", m, err)
	}
	if _, err := svc.Unmerge(ctx, m.Events[0].ID); err != nil {
		t.Fatal(err)
	}
	qa, err1 := svc.Get(ctx, a.CustomerID)
	qb, err2 := svc.Get(ctx, b.CustomerID)
	if err1 != nil || err2 != nil {
		t.Fatalf("profiles not restored: %v %v", err1, err2)
	}
	if qa.Name != pa.Name || qb.Name != pb.Name || len(qb.Emails) != 1 || qb.Emails[0].Value != pb.Emails[0].Value || len(qa.Phones) != 1 {
		t.Fatalf("restored profiles differ: %+v / %+v", qa, qb)
	}
	// An operator merge joins them again, with one profile left.
	ev, err := svc.Merge(ctx, a.CustomerID, b.CustomerID, "confirmed by phone")
	if err != nil || ev.Kind != identity.EventManualMerge {
		t.Fatalf("manual merge: %+v %v", ev, err)
	}
	n := 0
	for _, err := range svc.Customers(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 1 {
		t.Fatalf("%d profiles after the manual merge, want 1", n)
	}
}
