package customer_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/cimkit/cimkit/customer"
	"github.com/cimkit/cimkit/privacy/audit"
	"github.com/cimkit/cimkit/tagging"
	"github.com/google/uuid"
)

// tagSource exports a tagging.Store's current tags as derived items.
type tagSource struct{ s tagging.Store }

func (t tagSource) ExportItems(ctx context.Context, id uuid.UUID) ([]customer.ExportItem, error) {
	as, err := t.s.CustomerTags(ctx, id.String())
	if err != nil {
		return nil, err
	}
	var out []customer.ExportItem
	for _, a := range as {
		out = append(out, customer.ExportItem{Kind: "tag", Origin: customer.Derived, Data: a})
	}
	return out, nil
}

func TestExportEveryKindAndNoOtherCustomer(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t)
	for _, c := range []uuid.UUID{fx.a, fx.b} {
		if err := fx.st.SetTag(ctx, tagging.Assignment{CustomerID: c.String(), Tag: "vip", Weight: 1, Source: "rule", SetBy: "rs-1", At: rightsT0}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := fx.svc.Modify(ctx, fx.a, func(c *customer.Customer) error {
		c.Attributes = map[string]string{"score:rfm": "555", "shoe_size": "42"}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	r := customer.NewRights(fx.svc, &customer.RightsOptions{Consents: fx.st.Store, Sources: []customer.ExportSource{tagSource{fx.st.Store}}, Audit: fx.aud})
	ex, err := r.Export(ctx, fx.a)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]customer.Origin{
		customer.KindProfile: customer.Provided, customer.KindOrderSummary: customer.Derived, customer.KindOrder: customer.Provided,
		customer.KindPayment: customer.Provided, customer.KindEvent: customer.Provided, customer.KindTicket: customer.Provided,
		customer.KindFeedback: customer.Provided, customer.KindConsent: customer.Provided,
		customer.KindIdentityRecord: customer.Provided, customer.KindMerge: customer.Derived, "tag": customer.Derived,
		customer.KindDerivedAttributes: customer.Derived,
	}
	count := map[string]int{}
	for _, it := range ex.Items {
		o, ok := want[it.Kind]
		if !ok || o != it.Origin {
			t.Fatalf("item kind %q origin %q unexpected", it.Kind, it.Origin)
		}
		count[it.Kind]++
	}
	for k := range want {
		if count[k] == 0 {
			t.Errorf("no %s item in the export", k)
		}
	}
	// Both orders, the former id's included; all three source records.
	for _, it := range ex.Items {
		switch d := it.Data.(type) {
		case customer.Customer:
			if _, ok := d.Attributes["score:rfm"]; ok || d.Attributes["shoe_size"] != "42" {
				t.Fatalf("profile attributes %v; want the score moved out, the rest kept", d.Attributes)
			}
		case map[string]string:
			if d["score:rfm"] != "555" || len(d) != 1 {
				t.Fatalf("derived attributes %v", d)
			}
		}
	}
	if count["tag"] != 2 {
		t.Fatalf("tags exported: %d; want the customer's and the former id's", count["tag"])
	}
	if count[customer.KindOrder] != 2 || count[customer.KindIdentityRecord] != 3 || count[customer.KindMerge] != 1 {
		t.Fatalf("counts %v; want 2 orders, 3 records, 1 merge", count)
	}
	if len(ex.FormerIDs) != 1 || ex.FormerIDs[0] != fx.f {
		t.Fatalf("former ids %v", ex.FormerIDs)
	}
	var buf bytes.Buffer
	if err := ex.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	js := buf.String()
	if !json.Valid(buf.Bytes()) {
		t.Fatal("export is not valid JSON")
	}
	for _, other := range []string{fx.b.String(), "13900001111", "李四", "app:9"} {
		if strings.Contains(js, other) {
			t.Fatalf("export holds another customer's data (%d bytes)", len(js))
		}
	}
	for _, mine := range []string{fx.a.String(), fx.f.String(), "张三", "+8613812345678", "pos:3", "我是张三", `"origin": "derived"`} {
		if !strings.Contains(js, mine) {
			t.Fatalf("export lacks %q", mine)
		}
	}
	// Tokens never leave: the identity records carry masked identifiers.
	recs, _ := fx.st.Store.IdentityRecords(ctx, []string{"pos:3"})
	if strings.Contains(js, recs[0].Keys[0].Token) {
		t.Fatal("export holds a blind-index token")
	}
	if n := len(fx.aud.entries); n != 1 || fx.aud.entries[0].Action != audit.ActionExport || fx.aud.entries[0].Subject != fx.a.String() {
		t.Fatalf("audit %+v", fx.aud.entries)
	}
}

func TestExportUnknownAndErased(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t)
	if _, err := fx.rights.Export(ctx, uuid.NewSHA1(uuid.NameSpaceOID, []byte("nobody"))); !errors.Is(err, customer.ErrNotFound) {
		t.Fatalf("export unknown: %v", err)
	}
	if fx.aud.entries[0].Outcome != audit.OutcomeDenied {
		t.Fatal("not-found export not audited as a denial")
	}
	if _, err := fx.rights.Erase(ctx, fx.a, "DSR-5"); err != nil {
		t.Fatal(err)
	}
	if _, err := fx.rights.Export(ctx, fx.a); !errors.Is(err, customer.ErrNotFound) {
		t.Fatalf("export after erasure: %v; want ErrNotFound", err)
	}
}
