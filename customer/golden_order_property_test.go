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
		var views [2]map[string]customer.Customer
		for run := range views {
			order := slices.Clone(srcs)
			rand.New(rand.NewPCG(seed, uint64(run))).Shuffle(len(order), func(a, b int) { order[a], order[b] = order[b], order[a] })
			svc, _ := newIngestService()
			for _, s := range order {
				if _, err := svc.Ingest(ctx, s); err != nil && !errors.Is(err, identity.ErrNoIdentifier) {
					t.Fatal(err)
				}
			}
			views[run] = map[string]customer.Customer{}
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
				// Compare what survivorship chose, not ids or clocks.
				c.ID, c.CreatedAt, c.UpdatedAt, c.Version = [16]byte{}, time.Time{}, time.Time{}, 0
				views[run][strings.Join(ids, ",")] = c
			}
		}
		if len(views[0]) != len(views[1]) {
			t.Fatalf("seed %d: %d customers one way, %d the other", seed, len(views[0]), len(views[1]))
		}
		for k, a := range views[0] {
			b, ok := views[1][k]
			if !ok {
				t.Fatalf("seed %d: customer of records %s only in the first order", seed, k)
			}
			if !reflect.DeepEqual(a, b) {
				va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
				for i := range va.NumField() {
					if !reflect.DeepEqual(va.Field(i).Interface(), vb.Field(i).Interface()) {
						t.Errorf("seed %d: records %s: %s depends on the order: %#v vs %#v", seed, k, va.Type().Field(i).Name, va.Field(i).Interface(), vb.Field(i).Interface())
					}
				}
				t.FailNow()
			}
		}
	}
}
