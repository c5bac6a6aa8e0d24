package customer_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cimkit/cimkit/customer"
	"github.com/cimkit/cimkit/identity"
	"github.com/cimkit/cimkit/privacy"
)

// TestSealedIngest runs Service.Ingest on a sealing Service: the golden
// profile it writes is sealed in the store, reads open it, a later record
// of the same person updates it without losing sealed host attributes, and
// a shredded customer cannot be given new personal data.
func TestSealedIngest(t *testing.T) {
	ctx := context.Background()
	svc, st, v := newSealedService(t)
	first, err := svc.Ingest(ctx, customer.SourceRecord{ID: "pos:1", Channel: customer.ChannelStorePOS, At: t0, Name: "张三丰", Phone: "138 1234 5678"})
	if err != nil {
		t.Fatal(err)
	}
	id := first.CustomerID
	if _, err := svc.Modify(ctx, id, func(c *customer.Customer) error {
		if c.Attributes == nil {
			c.Attributes = map[string]string{}
		}
		c.Attributes["id_card"] = "110101199005170011"
		c.BirthDate = time.Date(1990, 5, 17, 0, 0, 0, 0, time.UTC) // set by the host, in no record
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	second, err := svc.Ingest(ctx, customer.SourceRecord{ID: "app:9", Channel: customer.ChannelApp, At: t0, Phone: "+86 13812345678", Email: "zhangsanfeng@qq.com"})
	if err != nil {
		t.Fatal(err)
	}
	if second.CustomerID != id || second.Outcome != identity.Matched {
		t.Fatalf("second record: %v %v", second.Outcome, second.CustomerID == id)
	}
	got, err := svc.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "张三丰" || len(got.Phones) != 1 || got.Phones[0].Value != "+8613812345678" || len(got.Emails) != 1 ||
		got.Emails[0].Value != "zhangsanfeng@qq.com" || got.Attributes["id_card"] != "110101199005170011" ||
		!got.BirthDate.Equal(time.Date(1990, 5, 17, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("golden profile did not read back: name %t phones %d emails %d id_card %t",
			got.Name == "张三丰", len(got.Phones), len(got.Emails), got.Attributes["id_card"] != "")
	}
	raw, err := st.GetCustomer(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if raw.Name != "" || !raw.BirthDate.IsZero() || raw.Phones[0].Value != "" || raw.Phones[0].Raw != "" || raw.Emails[0].Value != "" || raw.Attributes["id_card"] != "" {
		t.Fatal("Ingest stored a personal field in clear")
	}
	if found, err := svc.Lookup(ctx, identity.KindPhone, "13812345678"); err != nil || found.Name != "张三丰" {
		t.Fatalf("Lookup: %v", err)
	}

	if _, err := v.Shred(ctx, tenant, id.String()); err != nil {
		t.Fatal(err)
	}
	_, err = svc.Ingest(ctx, customer.SourceRecord{ID: "web:3", Channel: customer.ChannelWeb, At: t0, Phone: "13812345678", Name: "张三"})
	if !errors.Is(err, customer.ErrSealed) || !errors.Is(err, privacy.ErrShredded) {
		t.Fatalf("ingest for a shredded customer: %v", err)
	}
	checkSealedErr(t, err, false, id)
}
