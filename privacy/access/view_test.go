package access_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/cimkit/cimkit/customer"
	"github.com/cimkit/cimkit/privacy/access"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"
)

// sampleView is a 360° view whose free text and figures carry markers.
var mergedID = uuid.MustParse("6d3f0c1e-0000-4000-8000-00000000abcd")

func sampleView() customer.View {
	c := sample()
	return customer.View{
		Profile:   c,
		MergedIDs: []uuid.UUID{mergedID},
		Orders: customer.OrderSummary{Count: 7, Currency: "CNY", TotalSpend: decimal.RequireFromString("4321.98"),
			TopCategories: []customer.Share{{Name: "seafood-marker", Amount: decimal.NewFromInt(100), Share: 1}}},
		RecentEvents: []customer.Event{{CustomerID: c.ID, Type: customer.EventSearch, Channel: customer.ChannelApp, At: t0,
			SKU: "SKU-1", Keyword: "keyword-secret", Properties: map[string]string{"address": "property-secret"}}},
		OpenTickets: []customer.Ticket{{CustomerID: c.ID, Category: "delivery_late", Status: customer.TicketOpen, OpenedAt: t0,
			Resolution: "resolution-secret", History: []customer.StatusChange{{Status: "open", At: t0, Note: "note-secret"}}}},
		LatestNPS: &customer.Feedback{CustomerID: c.ID, NPS: 3, Comment: "comment-secret", At: t0},
	}
}

// TestFilterViewNoLeaks checks every role and purpose of the example policy
// against the policy itself, on the JSON of the filtered view: free text
// only with a plain view of interactions, interactions at all only with a
// plain or masked one, order figures only with a plain view of orders, the
// customer id only with a plain pseudonymous_id view, and the profile's
// secrets as Filter allows.
func TestFilterViewNoLeaks(t *testing.T) {
	g, _ := newGuard(t)
	p := access.ExamplePolicy()
	for role, byPurpose := range p.Roles {
		for pur, rules := range byPurpose {
			t.Run(role+"/"+string(pur), func(t *testing.T) {
				ctx := ctxAs(role, pur)
				in := sampleView()
				got, err := g.FilterView(ctx, in)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := json.Marshal(got)
				js := string(b)
				iv := rules[access.GroupInteractions].View
				check := func(what string, present, want bool) {
					if present != want {
						t.Errorf("%s: present %v, policy allows %v", what, present, want)
					}
				}
				for _, s := range []string{"keyword-secret", "property-secret", "note-secret", "resolution-secret", "comment-secret"} {
					check(s, strings.Contains(js, s), iv == access.ViewPlain)
				}
				seen := iv == access.ViewPlain || iv == access.ViewMasked
				check("events", len(got.RecentEvents) == 1 && got.RecentEvents[0].SKU == "SKU-1", seen)
				check("tickets", len(got.OpenTickets) == 1 && got.OpenTickets[0].Category == "delivery_late", seen)
				check("feedback", got.LatestNPS != nil && got.LatestNPS.NPS == 3, seen)
				orders := rules[access.GroupOrders].View == access.ViewPlain
				check("order figures", strings.Contains(js, "4321.98") && strings.Contains(js, "seafood-marker"), orders)
				pv := rules[access.GroupPseudonymousID].View
				check("customer id", strings.Contains(js, in.Profile.ID.String()), pv == access.ViewPlain)
				check("merged id", strings.Contains(js, mergedID.String()), pv == access.ViewPlain)
				check("merged ids", len(got.MergedIDs) == 1, pv == access.ViewPlain || pv == access.ViewPseudonymous)
				want, err := g.Filter(ctx, in.Profile)
				if err != nil {
					t.Fatal(err)
				}
				if dump(t, got.Profile) != dump(t, want) {
					t.Error("the view's profile is not filtered as Filter filters it")
				}
			})
		}
	}
	// The input is not modified.
	v := sampleView()
	if _, err := g.FilterView(ctxAs("marketing", access.PurposeMarketing), v); err != nil {
		t.Fatal(err)
	}
	if v.RecentEvents[0].Keyword != "keyword-secret" || v.OpenTickets[0].History[0].Note != "note-secret" || v.LatestNPS.Comment != "comment-secret" {
		t.Fatal("FilterView modified its input")
	}
	// Without an actor nothing is returned.
	if _, err := g.FilterView(t.Context(), v); err == nil {
		t.Fatal("FilterView without an actor succeeded")
	}
}
