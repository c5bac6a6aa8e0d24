package identity_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/cimkit/cimkit/identity"
	"github.com/cimkit/cimkit/memstore"
)

func ExampleResolver() {
	ctx := context.Background()
	at := time.Date(2025, 6, 1, 10, 0, 0, 0, time.UTC)
	r := identity.NewResolver(memstore.New(), &identity.Options{NewID: seqIDs("example"), Now: func() time.Time { return at }})
	a, _ := r.Ingest(ctx, identity.Record{ID: "pos-1", Channel: "store_pos", At: at,
		Identifiers: []identity.Identifier{{Kind: identity.KindPhone, Value: "138 1234 5678"}}})
	b, _ := r.Ingest(ctx, identity.Record{ID: "app-7", Channel: "app", At: at.Add(time.Hour),
		Identifiers: []identity.Identifier{{Kind: identity.KindEmail, Value: "Li@QQ.com"}}})
	c, _ := r.Ingest(ctx, identity.Record{ID: "web-3", Channel: "web", At: at.Add(2 * time.Hour),
		Identifiers: []identity.Identifier{{Kind: identity.KindPhone, Value: "+86-138-1234-5678"}, {Kind: identity.KindEmail, Value: "li@qq.com"}}})
	fmt.Println(a.Outcome, b.Outcome, c.Outcome, c.CustomerID == a.CustomerID)

	// Undo the merge: both customers come back as they were.
	ev, _ := r.Unmerge(ctx, c.Events[0].ID)
	fmt.Println(ev.Kind, len(ev.After))

	found, _ := r.Lookup(ctx, identity.KindPhone, "0086 13812345678")
	fmt.Println(found == a.CustomerID)

	x, _ := r.Explain(ctx, b.CustomerID)
	_ = x.WriteText(os.Stdout)
	// Output:
	// created created merged true
	// unmerge 2
	// true
	// customer 468754f9-61d8-50e3-945e-c1c35c5f9c65: 1 records
	//   record app-7  app  2025-06-01  [email l***@qq.com]
	// links:
	//   app-7 — web-3  by email: kept apart: cannot-link (de820682-0a03-5e38-bef4-70b225be7f1a)
	// rules fired: email: kept apart: cannot-link
	// event ae803ae4-a5ae-5174-a8af-86f080ef4902 merge at 2025-06-01T10:00:00Z: 30eb63aa-1d40-5c94-91d6-bfc50d4e7ded(1) 468754f9-61d8-50e3-945e-c1c35c5f9c65(1) → 30eb63aa-1d40-5c94-91d6-bfc50d4e7ded(3)
	// event d3b81e2b-c353-5665-90bd-dc527e20b4e6 unmerge at 2025-06-01T10:00:00Z: 30eb63aa-1d40-5c94-91d6-bfc50d4e7ded(3) → 30eb63aa-1d40-5c94-91d6-bfc50d4e7ded(2) 468754f9-61d8-50e3-945e-c1c35c5f9c65(1)
}
