package privacy_test

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/cimkit/cimkit/memstore"
	"github.com/cimkit/cimkit/privacy"
)

// BenchmarkSealNewCustomer seals one 32-byte field for a customer seen for
// the first time (crypto/rand): the data key is made, wrapped, stored in
// memstore and cached. The store is replaced every 4,096 customers,
// untimed.
func BenchmarkSealNewCustomer(b *testing.B) {
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "keys.json")
	if _, err := privacy.InitKeyFile(path, nil); err != nil {
		b.Fatal(err)
	}
	km, err := privacy.NewLocalKeyManager(path)
	if err != nil {
		b.Fatal(err)
	}
	ids := make([]string, 4096)
	for i := range ids {
		ids[i] = "00000000-0000-4000-8000-" + strconv.Itoa(100000000000+i)
	}
	fresh := func() *privacy.Vault {
		v, err := privacy.New(memstore.New(), km, nil)
		if err != nil {
			b.Fatal(err)
		}
		return v
	}
	v := fresh()
	fields, values := []string{"name"}, []string{"0123456789abcdef0123456789abcdef"}
	out := make([][]byte, 1)
	n := 0
	b.ReportAllocs()
	for b.Loop() {
		if n == len(ids) {
			b.StopTimer()
			v, n = fresh(), 0
			b.StartTimer()
		}
		ad := privacy.AssociatedData{Tenant: "shop", RecordKind: "customer", RecordID: ids[n], CustomerID: ids[n], Field: "-"}
		if err := v.SealFields(ctx, ad, fields, values, out); err != nil {
			b.Fatal(err)
		}
		n++
	}
}
