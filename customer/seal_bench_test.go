package customer_test

import (
	"context"
	"encoding/binary"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/cimkit/cimkit/customer"
	"github.com/cimkit/cimkit/identity"
	"github.com/cimkit/cimkit/internal/cputime"
	"github.com/cimkit/cimkit/internal/demo"
	"github.com/cimkit/cimkit/internal/synth"
	"github.com/cimkit/cimkit/memstore"
	"github.com/cimkit/cimkit/privacy"
	"github.com/google/uuid"
)

// benchCustomer is a typical profile: name, birth date, one phone (raw and
// canonical), one e-mail, one split address: 12 sealed fields.
func benchCustomer(id uuid.UUID) customer.Customer {
	return customer.Customer{
		ID: id, Name: "王小明", Gender: customer.GenderMale,
		BirthDate: time.Date(1988, 2, 3, 0, 0, 0, 0, time.UTC),
		Phones:    []customer.Contact{{Raw: "138 1234 5678", Value: "+8613812345678", Channel: customer.ChannelApp}},
		Emails:    []customer.Contact{{Raw: "Wang.XM@QQ.com", Value: "wang.xm@qq.com", Channel: customer.ChannelWeb}},
		Addresses: []customer.Address{{Raw: "浙江省杭州市西湖区天目山路268号", Province: "浙江省", City: "杭州市", District: "西湖区", Detail: "天目山路268号", PostalCode: "310012"}},
		Points:    10, MembershipLevel: "silver",
	}
}

// seqID returns the n-th id of a cheap deterministic sequence.
func seqID(n uint64) uuid.UUID {
	var id uuid.UUID
	binary.BigEndian.PutUint64(id[8:], n)
	id[6], id[8] = 0x40, id[8]&0x3f|0x80
	return id
}

// benchService returns a Service over a fresh memstore; with sealed, a
// Vault keeps its keys in the same store, under km's key file in dir.
func benchService(b *testing.B, sealed bool, km *privacy.LocalKeyManager) *customer.Service {
	st := memstore.New()
	opts := &customer.Options{Now: func() time.Time { return t0 }}
	if sealed {
		v, err := privacy.New(st, km, nil) // crypto/rand nonces, as in production
		if err != nil {
			b.Fatal(err)
		}
		opts.Sealer = customer.VaultSealer(v, tenant)
	}
	return customer.New(st, opts)
}

// cpuMeter reports the process CPU time per op as "cpu-ns/op" when the
// benchmark ends: call it before the loop and defer the result. CPU time
// leaves out time spent waiting for a core, so on a shared machine it
// varies far less than ns/op; it includes GC work on other threads.
func cpuMeter(b *testing.B) func() {
	start, ok := cputime.Process()
	return func() {
		if end, ok2 := cputime.Process(); ok && ok2 && b.N > 0 {
			b.ReportMetric(float64((end-start).Nanoseconds())/float64(b.N), "cpu-ns/op")
		}
	}
}

func benchKeyManager(b *testing.B) *privacy.LocalKeyManager {
	path := filepath.Join(b.TempDir(), "keys.json")
	if _, err := privacy.InitKeyFile(path, nil); err != nil {
		b.Fatal(err)
	}
	km, err := privacy.NewLocalKeyManager(path)
	if err != nil {
		b.Fatal(err)
	}
	return km
}

// BenchmarkSealing compares a Service with and without a Sealer in one run,
// each over memstore:
//   - CreateGet creates a new customer and reads it back (with sealing: a
//     new data key is made, wrapped and stored, 12 fields are sealed and
//     opened). The store is replaced every 4,096 customers, untimed, so
//     the heap stays the same size whatever b.N is.
//   - Get reads an existing customer (its data key cached).
//   - Update writes a changed profile and returns it opened.
func BenchmarkSealing(b *testing.B) {
	ctx := context.Background()
	km := benchKeyManager(b)
	for _, mode := range []string{"plain", "sealed"} {
		sealed := mode == "sealed"
		b.Run("CreateGet/"+mode, func(b *testing.B) {
			svc := benchService(b, sealed, km)
			var n uint64
			b.ReportAllocs()
			defer cpuMeter(b)()
			for b.Loop() {
				n++
				if n%4096 == 0 {
					b.StopTimer()
					svc = benchService(b, sealed, km)
					b.StartTimer()
				}
				c, err := svc.Create(ctx, benchCustomer(seqID(n)))
				if err != nil {
					b.Fatal(err)
				}
				if got, err := svc.Get(ctx, c.ID); err != nil || got.Name != c.Name {
					b.Fatal("get", err)
				}
			}
		})
		svc := benchService(b, sealed, km)
		c, err := svc.Create(ctx, benchCustomer(seqID(1)))
		if err != nil {
			b.Fatal(err)
		}
		b.Run("Get/"+mode, func(b *testing.B) {
			b.ReportAllocs()
			defer cpuMeter(b)()
			for b.Loop() {
				if got, err := svc.Get(ctx, c.ID); err != nil || got.Phones[0].Value != "+8613812345678" {
					b.Fatal("get", err)
				}
			}
		})
		b.Run("Update/"+mode, func(b *testing.B) {
			b.ReportAllocs()
			defer cpuMeter(b)()
			for b.Loop() {
				c.Points++
				up, err := svc.Update(ctx, c)
				if err != nil {
					b.Fatal(err)
				}
				c = up
			}
		})
	}
}

// BenchmarkIngest runs Service.Ingest (clean, resolve identity, write the
// golden profile) over 1,000 synthetic channel records into a fresh
// memstore per op (one op = 1,000 records), in three modes:
//   - plain: no Sealer; identity.PlainTokenizer.
//   - sealed: VaultSealer seals the golden profiles; same tokenizer.
//   - sealed+index: also privacy blind-index tokens for identity (keyed
//     HMAC-SHA256, 128 bits so identity's distinct-token rule holds).
func BenchmarkIngest(b *testing.B) {
	ctx := context.Background()
	ds, err := synth.Generate(synth.Config{Customers: 1000, Orders: 1, Events: 1, Tickets: 1, Feedback: 1, Seed: 42})
	if err != nil {
		b.Fatal(err)
	}
	srcs := make([]customer.SourceRecord, len(ds.Records))
	for i, r := range ds.Records {
		srcs[i] = demo.SourceOf(r)
	}
	km := benchKeyManager(b)
	for _, mode := range []string{"plain", "sealed", "sealed+index"} {
		b.Run(mode, func(b *testing.B) {
			b.ReportAllocs()
			defer cpuMeter(b)()
			for b.Loop() {
				st := memstore.New()
				opts := &customer.Options{Now: func() time.Time { return t0 }}
				if mode != "plain" {
					v, err := privacy.New(st, km, &privacy.Options{IndexBits: 128})
					if err != nil {
						b.Fatal(err)
					}
					opts.Sealer = customer.VaultSealer(v, tenant)
					if mode == "sealed+index" {
						tz, err := v.Tokenizer(tenant)
						if err != nil {
							b.Fatal(err)
						}
						opts.Identity = identity.NewResolver(st, &identity.Options{Tokenizer: identity.BlindIndex(tz), Now: opts.Now})
					}
				}
				svc := customer.New(st, opts)
				for i := range srcs {
					if _, err := svc.Ingest(ctx, srcs[i]); err != nil && !errors.Is(err, identity.ErrNoIdentifier) {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(len(srcs))*float64(b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
}
