package memstore_test

import (
	"context"
	"encoding/binary"
	"testing"

	"github.com/cimkit/cimkit/customer"
	"github.com/cimkit/cimkit/memstore"
	"github.com/google/uuid"
)

func BenchmarkMemstoreCreate(b *testing.B) {
	ctx := context.Background()
	s := memstore.New()
	c := customer.Customer{
		Name:       "王五",
		Phones:     []customer.Contact{{Raw: "138 1234 5678", Value: "+8613812345678", Channel: customer.ChannelApp}},
		Attributes: map[string]string{"member_id": "M00000001"},
		Version:    1,
	}
	var n uint64
	b.ReportAllocs()
	for b.Loop() {
		n++
		binary.BigEndian.PutUint64(c.ID[8:], n*0x9E3779B97F4A7C15) // spread ids like random uuids
		c.ID[0] = byte(n)
		if err := s.CreateCustomer(ctx, c); err != nil {
			b.Fatal(err)
		}
	}
	_ = uuid.Nil
}
