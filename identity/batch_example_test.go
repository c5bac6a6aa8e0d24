package identity_test

import (
	"context"
	"fmt"
	"time"

	"github.com/cimkit/cimkit/identity"
	"github.com/cimkit/cimkit/memstore"
)

func ExampleResolver_IngestBatch() {
	ctx := context.Background()
	at := time.Date(2025, 6, 1, 10, 0, 0, 0, time.UTC)
	r := identity.NewResolver(memstore.New(), &identity.Options{NewID: seqIDs("batch")})
	recs := []identity.Record{
		{ID: "pos-1", Channel: "store_pos", At: at, Identifiers: []identity.Identifier{{Kind: identity.KindPhone, Value: "138 1234 5678"}}},
		{ID: "app-7", Channel: "app", At: at.Add(time.Hour), Identifiers: []identity.Identifier{{Kind: identity.KindEmail, Value: "Li@QQ.com"}}},
		{ID: "web-3", Channel: "web", At: at.Add(2 * time.Hour), Identifiers: []identity.Identifier{
			{Kind: identity.KindPhone, Value: "+86-138-1234-5678"}, {Kind: identity.KindEmail, Value: "li@qq.com"}}},
		{ID: "csv-9", Channel: "import", At: at, Identifiers: []identity.Identifier{{Kind: identity.KindPhone, Value: "138****5678"}}},
	}
	// Results arrive as records complete; keep them by index.
	out := make([]string, len(recs))
	if err := r.IngestBatch(ctx, recs, func(i int, res identity.Result, err error) {
		if err != nil {
			out[i] = "not ingested: no usable identifier"
			return
		}
		out[i] = res.Summary()
	}); err != nil {
		fmt.Println(err)
	}
	for i, s := range out {
		fmt.Println(recs[i].ID, s)
	}
	// Output:
	// pos-1 created
	// app-7 created
	// web-3 merged 2 customers: phone, email
	// csv-9 not ingested: no usable identifier
}
