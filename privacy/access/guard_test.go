package access_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cimkit/cimkit/customer"
	"github.com/cimkit/cimkit/privacy/access"
	"github.com/cimkit/cimkit/privacy/audit"
	"github.com/google/uuid"
)

var t0 = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

type memAudit struct {
	entries []audit.Entry
	fail    bool
}

func (m *memAudit) Append(_ context.Context, e audit.Entry) (uint64, error) {
	if m.fail {
		return 0, errors.New("audit store down")
	}
	if err := e.Validate(); err != nil {
		return 0, err
	}
	m.entries = append(m.entries, e)
	return uint64(len(m.entries) - 1), nil
}

func (m *memAudit) last() audit.Entry { return m.entries[len(m.entries)-1] }

func sample() customer.Customer {
	return customer.Customer{
		ID:     uuid.MustParse("0b6c1b4e-2f5a-4c8e-9d1a-3e7f5a9c2b10"),
		Name:   "张三丰",
		Gender: customer.GenderMale, BirthDate: time.Date(1988, 6, 15, 0, 0, 0, 0, time.UTC),
		Phones: []customer.Contact{{Raw: "138 0013 8000", Value: "+8613800138000", Channel: customer.ChannelApp}},
		Emails: []customer.Contact{{Raw: "Zhang.San@Example.com", Value: "zhang.san@example.com", Channel: customer.ChannelWeb}},
		Addresses: []customer.Address{{Raw: "北京市朝阳区建国路88号", Province: "北京市", City: "北京市",
			District: "朝阳区", Detail: "建国路88号", PostalCode: "100022"}},
		MembershipLevel: "gold", Points: 120, RegistrationVia: customer.ChannelApp,
		Attributes: map[string]string{"tag:vip": "1", "segment:rfm": "champions", "id_card": "110101198806150011", "locale": "zh-CN"},
		CreatedAt:  t0, UpdatedAt: t0, Version: 3,
	}
}

// secrets are plaintext values that must not appear unless allowed.
var secrets = map[access.Group][]string{
	access.GroupContact:           {"张三丰", "13800138000", "0013", "zhang.san@", "Zhang.San"},
	access.GroupAddress:           {"建国路", "朝阳区", "100022"},
	access.GroupIdentityDocuments: {"110101198806150011", "1988-06-15"},
	access.GroupPseudonymousID:    {"0b6c1b4e-2f5a-4c8e-9d1a-3e7f5a9c2b10"},
}

func newGuard(t testing.TB) (*access.Guard, *memAudit) {
	t.Helper()
	rec := &memAudit{}
	g, err := access.NewGuard(access.ExamplePolicy(), access.Options{Audit: rec, PseudonymKey: bytes.Repeat([]byte{9}, 32), Now: func() time.Time { return t0 }})
	if err != nil {
		t.Fatal(err)
	}
	return g, rec
}

func ctxAs(role string, p access.Purpose) context.Context {
	return access.WithActor(context.Background(), access.Actor{ID: "staff-1", Role: role}, p)
}

func dump(t *testing.T, c customer.Customer) string {
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestNoLeaks checks every role and purpose of the example policy with an
// independent oracle: the JSON of the filtered customer contains a
// plaintext secret only if the policy gives its group a plain view.
func TestNoLeaks(t *testing.T) {
	g, _ := newGuard(t)
	p := access.ExamplePolicy()
	for role, byPurpose := range p.Roles {
		for pur := range byPurpose {
			t.Run(role+"/"+string(pur), func(t *testing.T) {
				got, err := g.Filter(ctxAs(role, pur), sample())
				if err != nil {
					t.Fatal(err)
				}
				js := dump(t, got)
				for grp, ss := range secrets {
					plain := byPurpose[pur][grp].View == access.ViewPlain
					for _, s := range ss {
						if strings.Contains(js, s) && !plain {
							t.Errorf("%s leaks a %s value", role, grp)
						}
						if !strings.Contains(js, s) && plain {
							t.Errorf("%s loses a %s value it may see", role, grp)
						}
					}
				}
				if got.Version != 3 {
					t.Error("version lost")
				}
			})
		}
	}
}

func TestServiceAgentMaskedThenReveal(t *testing.T) {
	g, rec := newGuard(t)
	ctx := ctxAs("service_agent", access.PurposeService)
	c, err := g.Filter(ctx, sample())
	if err != nil {
		t.Fatal(err)
	}
	if c.Phones[0].Raw != "138 **** 8000" || c.Emails[0].Value != "z***@example.com" || c.Name != "张**" ||
		c.Addresses[0].Raw != "北京市北京市" || c.Attributes["id_card"] != "**************0011" || c.BirthDate.Month() != 1 {
		t.Fatalf("masking: %q %q %q %q %q", c.Phones[0].Raw, c.Emails[0].Value, c.Name, c.Addresses[0].Raw, c.Attributes["id_card"])
	}
	if len(rec.entries) != 0 {
		t.Fatal("a masked read was audited as a reveal")
	}
	r, err := g.Reveal(ctx, sample(), access.GroupContact, "caller asked to confirm the number, ticket 4411")
	if err != nil {
		t.Fatal(err)
	}
	if r.Phones[0].Value != "+8613800138000" || r.Name != "张三丰" {
		t.Fatal("reveal did not return plaintext contact")
	}
	if r.Addresses[0].Detail != "" {
		t.Fatal("reveal of contact also revealed the address")
	}
	e := rec.last()
	if e.Action != audit.ActionReveal || e.Outcome != audit.OutcomeAllowed || e.Actor != "staff-1" || e.Role != "service_agent" ||
		e.Subject != sample().ID.String() || !slices.Equal(e.Fields, []string{"contact"}) || e.Purpose != "service" ||
		!strings.Contains(e.Reason, "4411") {
		t.Fatalf("audit entry %+v", e)
	}
	b, _ := e.Encode()
	for _, s := range secrets[access.GroupContact] {
		if bytes.Contains(b, []byte(s)) {
			t.Fatal("audit entry holds plaintext PII")
		}
	}
}

func TestDenialsAreTypedAndAudited(t *testing.T) {
	cases := []struct {
		name   string
		ctx    context.Context
		reveal access.Group
		reason string
		want   error
		denial string
	}{
		{"no actor", context.Background(), "", "", access.ErrNoActor, "no_actor"},
		{"actor without id", access.WithActor(context.Background(), access.Actor{Role: "service_agent"}, access.PurposeService), "", "", access.ErrNoActor, "no_actor"},
		{"actor id with spaces", access.WithActor(context.Background(), access.Actor{ID: "Zhang San", Role: "service_agent"}, access.PurposeService), access.GroupContact, "ticket 9", access.ErrInvalid, "invalid"},
		{"unknown role", ctxAs("janitor", access.PurposeService), "", "", access.ErrUnknownRole, "unknown_role"},
		{"unknown purpose", ctxAs("service_agent", "curiosity"), "", "", access.ErrUnknownPurpose, "unknown_purpose"},
		{"purpose not granted", ctxAs("marketing", access.PurposeService), "", "", access.ErrUnknownPurpose, "unknown_purpose"},
		{"reveal without reason", ctxAs("service_agent", access.PurposeService), access.GroupContact, "", access.ErrNoReason, "no_reason"},
		{"marketing reveals contact", ctxAs("marketing", access.PurposeMarketing), access.GroupContact, "campaign", access.ErrDenied, "denied"},
		{"analyst reveals id", ctxAs("analyst", access.PurposeAnalytics), access.GroupPseudonymousID, "join", access.ErrDenied, "denied"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g, rec := newGuard(t)
			var err error
			if tc.reveal != "" {
				_, err = g.Reveal(tc.ctx, sample(), tc.reveal, tc.reason)
			} else {
				_, err = g.Filter(tc.ctx, sample())
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			if len(rec.entries) != 1 || rec.last().Outcome != audit.OutcomeDenied || rec.last().Denial != tc.denial {
				t.Fatalf("denial not audited: %+v", rec.entries)
			}
		})
	}
}

func TestRevealRefusedWhenAuditFails(t *testing.T) {
	g, rec := newGuard(t)
	rec.fail = true
	if _, err := g.Reveal(ctxAs("service_agent", access.PurposeService), sample(), access.GroupContact, "ticket 1"); err == nil {
		t.Fatal("plaintext returned without an audit record")
	}
}

func TestPseudonym(t *testing.T) {
	g, _ := newGuard(t)
	c, err := g.Filter(ctxAs("analyst", access.PurposeAnalytics), sample())
	if err != nil {
		t.Fatal(err)
	}
	id := sample().ID
	if c.ID == id || c.ID == uuid.Nil || c.ID != g.Pseudonym(id) || c.ID.Version() != 8 {
		t.Fatalf("pseudonym %s", c.ID)
	}
	other, _ := access.NewGuard(access.ExamplePolicy(), access.Options{Audit: &memAudit{}, PseudonymKey: bytes.Repeat([]byte{8}, 32)})
	if other.Pseudonym(id) == g.Pseudonym(id) {
		t.Fatal("pseudonym does not depend on the key")
	}
	if c.Attributes["tag:vip"] != "1" || c.Attributes["id_card"] != "" || c.Phones != nil {
		t.Fatal("analyst view wrong")
	}
}

func TestSetPolicyAudited(t *testing.T) {
	g, rec := newGuard(t)
	p := access.ExamplePolicy()
	p.Version = "v2"
	p.Roles["marketing"][access.PurposeMarketing][access.GroupContact] = access.Rule{View: access.ViewMasked}
	ctx := ctxAs("dpo", access.PurposeService)
	if err := g.SetPolicy(ctx, p, ""); !errors.Is(err, access.ErrNoReason) {
		t.Fatalf("no reason: %v", err)
	}
	if err := g.SetPolicy(ctx, p, "DPIA 2026-14 approved masked contact for marketing"); err != nil {
		t.Fatal(err)
	}
	if e := rec.last(); e.Action != audit.ActionRuleChange || e.Subject != "access-policy:v2" {
		t.Fatalf("rule change entry %+v", e)
	}
	c, err := g.Filter(ctxAs("marketing", access.PurposeMarketing), sample())
	if err != nil || c.Phones[0].Raw != "138 **** 8000" {
		t.Fatalf("new policy not in force: %v", err)
	}
}

func TestMasks(t *testing.T) {
	for _, tc := range []struct {
		f        func(string) string
		in, want string
	}{
		{access.MaskDigits, "138 0013 8000", "138 **** 8000"},
		{access.MaskDigits, "+8613800138000", "+861******8000"},
		{access.MaskDigits, "010-6552 9988", "010-**** 9988"},
		{access.MaskDigits, "12345", "*****"},
		{access.MaskEmail, "zhang.san@example.com", "z***@example.com"},
		{access.MaskEmail, "no-at-sign", "n*********"},
		{access.MaskText, "张三丰", "张**"},
		{access.MaskText, "李", "*"},
		{access.MaskText, "", ""},
		{access.MaskTail, "110101198806150011", "**************0011"},
		{access.MaskTail, "short", "*****"},
	} {
		if got := tc.f(tc.in); got != tc.want {
			t.Errorf("mask(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestParsePolicyErrors(t *testing.T) {
	for name, js := range map[string]string{
		"malformed":         `{`,
		"unknown field":     `{"version":"v","roles":{"a":{}},"extra":1}`,
		"no version":        `{"roles":{"a":{}}}`,
		"no roles":          `{"version":"v"}`,
		"bad role name":     `{"version":"v","roles":{"Bad Role":{}}}`,
		"unknown purpose":   `{"version":"v","roles":{"a":{"fun":{}}}}`,
		"unknown group":     `{"version":"v","roles":{"a":{"service":{"dna":{"view":"plain"}}}}}`,
		"unknown view":      `{"version":"v","roles":{"a":{"service":{"contact":{"view":"blurred"}}}}}`,
		"masked orders":     `{"version":"v","roles":{"a":{"service":{"orders":{"view":"masked"}}}}}`,
		"pseudonymous mail": `{"version":"v","roles":{"a":{"service":{"contact":{"view":"pseudonymous"}}}}}`,
		"attr to orders":    `{"version":"v","roles":{"a":{}},"attribute_groups":{"o_":"orders"}}`,
		"trailing":          `{"version":"v","roles":{"a":{}}} {}`,
	} {
		if _, err := access.ParsePolicy([]byte(js)); !errors.Is(err, access.ErrInvalid) {
			t.Errorf("%s: %v", name, err)
		}
	}
	back, err := access.ParsePolicy(access.ExamplePolicyJSON())
	if err != nil || fmt.Sprint(back) != fmt.Sprint(access.ExamplePolicy()) {
		t.Fatal("example policy does not round-trip")
	}
}

func FuzzParsePolicy(f *testing.F) {
	f.Add(access.ExamplePolicyJSON())
	f.Add([]byte(`{"version":"v","roles":{"a":{"service":{"contact":{"view":"masked","reveal":true}}}}}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := access.ParsePolicy(data)
		if err != nil {
			if !errors.Is(err, access.ErrInvalid) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		g, err := access.NewGuard(p, access.Options{Audit: &memAudit{}, PseudonymKey: make([]byte, 16)})
		if err != nil {
			t.Fatal(err)
		}
		for role := range p.Roles {
			for _, pur := range access.Purposes() {
				g.Filter(ctxAs(role, pur), sample())
			}
		}
	})
}

func Example() {
	log := &memAudit{} // in production: an *audit.Log
	g, _ := access.NewGuard(access.ExamplePolicy(), access.Options{Audit: log, PseudonymKey: bytes.Repeat([]byte{1}, 32)})
	ctx := access.WithActor(context.Background(), access.Actor{ID: "agent-7", Role: "service_agent"}, access.PurposeService)

	c, _ := g.Filter(ctx, sample())
	fmt.Println(c.Phones[0].Raw)
	c, _ = g.Reveal(ctx, sample(), access.GroupContact, "caller asked to confirm the number, ticket 4411")
	fmt.Println(c.Phones[0].Raw, log.last().Action)

	mkt := access.WithActor(context.Background(), access.Actor{ID: "mkt-2", Role: "marketing"}, access.PurposeMarketing)
	c, _ = g.Filter(mkt, sample())
	fmt.Println(len(c.Phones), c.Attributes["segment:rfm"])
	// Output:
	// 138 **** 8000
	// 138 0013 8000 reveal
	// 0 champions
}
