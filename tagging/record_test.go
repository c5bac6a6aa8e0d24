package tagging_test

import (
	"context"
	"testing"
	"time"

	"github.com/cimkit/cimkit/memstore"
	"github.com/cimkit/cimkit/tagging"
)

func TestRecord(t *testing.T) {
	rs, err := tagging.ParseRuleSet([]byte(`{"name":"lc","tags":[
		{"name":"sleeping","kind":"dynamic","rule":{"olderThanDays":{"field":"last_order_at","days":60}}},
		{"name":"fan","kind":"weighted","halfLifeDays":30,"threshold":0.3,"sources":[{"on":"order","increment":0.5}]}]}`), nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	st := memstore.New()
	day0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := tagging.Customer{ID: "c1", Orders: []tagging.Order{{Time: day0}},
		Tags: []tagging.TagValue{{Name: "promo", Weight: 1, ExpiresAt: day0.AddDate(0, 0, 10)}}}
	if err := st.SetTag(ctx, tagging.Assignment{CustomerID: "c1", Tag: "promo", Weight: 1, Source: "import", SetBy: "ops", At: day0}); err != nil {
		t.Fatal(err)
	}
	step := func(now time.Time) {
		t.Helper()
		r := rs.Evaluate(&c, now)
		if err := rs.Record(ctx, st, r, now); err != nil {
			t.Fatal(err)
		}
		if err := rs.Record(ctx, st, r, now); err != nil { // retry is harmless for removals
			t.Fatal(err)
		}
		c.Tags = r.Tags
	}
	step(day0.Add(time.Hour))    // fan enters (0.5)
	step(day0.AddDate(0, 0, 20)) // promo expired; fan 0.5*2^(-2/3) = 0.315 stays
	step(day0.AddDate(0, 0, 61)) // fan left, sleeping entered
	cur, err := st.CustomerTags(ctx, "c1")
	if err != nil {
		t.Fatal(err)
	}
	if len(cur) != 1 || cur[0].Tag != "sleeping" || cur[0].SetBy != "lc" ||
		cur[0].Reason != `rule {"olderThanDays":{"field":"last_order_at","days":60}}` {
		t.Fatalf("current %+v", cur)
	}
	fan, _ := st.TagHistory(ctx, "c1", "fan")
	if len(fan) != 2 || fan[0].Reason != "weight 0.500 >= threshold 0.3" || !fan[1].Removed || fan[1].Reason != "no longer holds" {
		t.Fatalf("fan history %+v", fan)
	}
	promo, _ := st.TagHistory(ctx, "c1", "promo")
	if len(promo) != 2 || !promo[1].Removed || promo[1].Reason != "expired" || !promo[1].At.Equal(day0.AddDate(0, 0, 20)) {
		t.Fatalf("promo history %+v", promo)
	}
}
