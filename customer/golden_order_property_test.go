package customer_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cimkit/cimkit/customer"
	"github.com/cimkit/cimkit/identity"
)

// TestGoldenProfileOrderIndependent: the same source records ingested in
// two random orders give the same customers (as sets of records) with
// the same golden profiles: survivorship depends on the records, not on
// when they arrived; a gender or birth date from records that split off
// does not stay behind.
func TestGoldenProfileOrderIndependent(t *testing.T) {
	ctx := context.Background()
	names := []string{"张三", "张三丰", "李四", "王五", "Zhang San"}
	genders := []string{"男", "女", "M", ""}
	emails := []string{"zs@qq.com", "ZS@QQ.COM", "ls@163.com", ""}
	addrs := []string{"广东省深圳市南山区南海大道30号", "北京市朝阳区建国路88号", ""}
	chans := []customer.Channel{customer.ChannelApp, customer.ChannelStorePOS, customer.ChannelWeb, customer.ChannelCallCentre}
	for seed := range uint64(300) {
		rng := rand.New(rand.NewPCG(seed, 23))
		var srcs []customer.SourceRecord
		for i := range 10 {
			births := []string{"1990-05-17", "1985-01-02", ""}
			s := customer.SourceRecord{ID: fmt.Sprintf("s%02d", i), Channel: chans[rng.IntN(len(chans))], BirthDate: births[rng.IntN(len(births))],
				At: ingestT0.Add(time.Duration(rng.IntN(600)) * time.Hour), Name: names[rng.IntN(len(names))],
				Gender: genders[rng.IntN(len(genders))], Email: emails[rng.IntN(len(emails))], Address: addrs[rng.IntN(len(addrs))]}
			if rng.IntN(3) > 0 {
				s.Phone = fmt.Sprintf("1381234000%d", rng.IntN(3))
			}
			if rng.IntN(2) == 0 {
				s.Device = fmt.Sprintf("dev-%d-abcdef", rng.IntN(2))
			}
			srcs = append(srcs, s)
		}
		// Runs 0 and 1: two orders; run 2: run 1's order with every
		// personal value sealed (every tenth seed, the Vault is slow to
		// set up).
		runs := 2
		if seed%10 == 0 {
			runs = 3
		}
		views := make([]map[string]customer.Customer, runs)
		for run := range views {
			order := slices.Clone(srcs)
			rand.New(rand.NewPCG(seed, uint64(min(run, 1)))).Shuffle(len(order), func(a, b int) { order[a], order[b] = order[b], order[a] })
			svc, st := newIngestService()
			if run == 2 {
				svc = customer.New(st, &customer.Options{Now: func() time.Time { return ingestT0 },
					Sealer: customer.VaultSealer(newVault(t, st, t.TempDir()), tenant)})
			}
			for _, s := range order {
				if _, err := svc.Ingest(ctx, s); err != nil && !errors.Is(err, identity.ErrNoIdentifier) {
					t.Fatal(err)
				}
			}
			views[run] = profilesByRecords(t, svc)
		}
		for run := 1; run < runs; run++ {
			compareViews(t, seed, views[0], views[run])
		}
	}
}

// profilesByRecords returns every profile of the Service, keyed by its
// customer's record ids, without ids or clocks (what survivorship chose).
func profilesByRecords(t *testing.T, svc *customer.Service) map[string]customer.Customer {
	t.Helper()
	ctx := context.Background()
	out := map[string]customer.Customer{}
	for c, err := range svc.Customers(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		recs, err := svc.Resolver().Records(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, r := range recs {
			ids = append(ids, r.ID)
		}
		slices.Sort(ids)
		c.ID, c.CreatedAt, c.UpdatedAt, c.Version = [16]byte{}, time.Time{}, time.Time{}, 0
		out[strings.Join(ids, ",")] = c
	}
	return out
}

// compareViews fails unless both runs made the same customers (as sets of
// records) with the same profiles.
func compareViews(t *testing.T, seed uint64, va, vb map[string]customer.Customer) {
	t.Helper()
	if len(va) != len(vb) {
		t.Fatalf("seed %d: %d customers one way, %d the other", seed, len(va), len(vb))
	}
	for k, a := range va {
		b, ok := vb[k]
		if !ok {
			t.Fatalf("seed %d: customer of records %s only in the first run", seed, k)
		}
		if reflect.DeepEqual(a, b) {
			continue
		}
		ra, rb := reflect.ValueOf(a), reflect.ValueOf(b)
		for i := range ra.NumField() {
			if !reflect.DeepEqual(ra.Field(i).Interface(), rb.Field(i).Interface()) {
				t.Errorf("seed %d: records %s: %s differs: %#v vs %#v", seed, k, ra.Type().Field(i).Name, ra.Field(i).Interface(), rb.Field(i).Interface())
			}
		}
		t.FailNow()
	}
}
