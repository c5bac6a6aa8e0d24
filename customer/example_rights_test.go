package customer_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cimkit/cimkit/customer"
	"github.com/cimkit/cimkit/identity"
	"github.com/cimkit/cimkit/memstore"
	"github.com/google/uuid"
)

func ExampleRights_Erase() {
	ctx := context.Background()
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	svc := customer.New(memstore.New(), &customer.Options{Now: func() time.Time { return now },
		NewID: func() uuid.UUID { return uuid.NewSHA1(uuid.NameSpaceOID, []byte("example")) }})
	res, _ := svc.Ingest(ctx, customer.SourceRecord{ID: "app:1", Channel: customer.ChannelApp, Name: "张三", Phone: "13812345678"})

	rights := customer.NewRights(svc, nil) // add a Shredder (privacy.Vault) and an Auditor in production
	rc, err := rights.Erase(ctx, res.CustomerID, "request DSR-1")
	fmt.Println(err, rc.SourceRecords, rc.IdentifierTokens, rc.ProfileDeleted, rc.KeyShredded)

	// The same record, or any record with that phone, is refused.
	_, err = svc.Ingest(ctx, customer.SourceRecord{ID: "app:2", Channel: customer.ChannelApp, Phone: "138 1234 5678"})
	fmt.Println(errors.Is(err, identity.ErrErased))

	// Erasing again returns the same receipt.
	rc2, _ := rights.Erase(ctx, res.CustomerID, "request DSR-1")
	fmt.Println(rc2.ErasedAt.Equal(rc.ErasedAt), rc2.SourceRecords)
	// Output:
	// <nil> 1 1 true false
	// true
	// true 1
}

func ExampleRights_Export() {
	ctx := context.Background()
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	svc := customer.New(memstore.New(), &customer.Options{Now: func() time.Time { return now },
		NewID: func() uuid.UUID { return uuid.NewSHA1(uuid.NameSpaceOID, []byte("example")) }})
	res, _ := svc.Ingest(ctx, customer.SourceRecord{ID: "app:1", Channel: customer.ChannelApp, Name: "张三", Phone: "13812345678"})

	ex, _ := customer.NewRights(svc, nil).Export(ctx, res.CustomerID)
	for _, it := range ex.Items {
		fmt.Println(it.Kind, it.Origin)
	}
	// Output:
	// profile provided
	// order_summary derived
	// identity_record provided
}
