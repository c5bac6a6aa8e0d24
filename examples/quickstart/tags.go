package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/cimkit/cimkit/internal/demo"
	"github.com/cimkit/cimkit/privacy/consent"
	"github.com/cimkit/cimkit/tagging"
	"github.com/google/uuid"
)

// quickstartRules are the marketing team's tags, kept as data.
const quickstartRules = `{"name": "quickstart", "tags": [
  {"name": "active", "kind": "dynamic", "group": "stage", "priority": 3,
   "rule": {"withinDays": {"field": "last_order_at", "days": 30}}},
  {"name": "sleeping", "kind": "dynamic", "group": "stage", "priority": 2,
   "rule": {"all": [{"olderThanDays": {"field": "last_order_at", "days": 30}}, {"withinDays": {"field": "last_order_at", "days": 180}}]}},
  {"name": "churned", "kind": "dynamic", "group": "stage", "priority": 1,
   "rule": {"olderThanDays": {"field": "last_order_at", "days": 180}}},
  {"name": "high_value_seafood", "kind": "dynamic",
   "rule": {"all": [{"gte": {"field": "rfm.m", "value": 4}}, {"gt": {"sumOrders": {"category": "seafood", "withinDays": 180}, "value": 500}}]}},
  {"name": "coupon_hunter", "kind": "dynamic",
   "rule": {"gte": {"countEvents": {"type": "coupon_use", "withinDays": 90}, "value": 2}}},
  {"name": "champion", "kind": "dynamic", "rule": {"eq": {"field": "rfm.segment", "value": "Champions"}}},
  {"name": "likes_seafood", "kind": "weighted", "halfLifeDays": 60, "threshold": 0.5,
   "sources": [{"on": "order", "category": "seafood", "increment": 0.4}]}],
 "triggers": [{"name": "winback", "tag": "sleeping", "on": "enter", "action": "send_coupon_sms",
   "purpose": "marketing_sms", "windowDays": 30}]}`

// countingNotifier counts delivered trigger actions.
type countingNotifier struct {
	mu   sync.Mutex
	sent map[string]int
}

func (n *countingNotifier) Notify(_ context.Context, x tagging.Notification) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.sent[x.Action]++
	return nil
}

// tagStage evaluates the rule set over every customer with orders, writes
// the tags to the tag store, and fires the win-back trigger only for
// customers who granted SMS marketing consent.
func tagStage(ctx context.Context, p *progress, e *env, a *analysis) error {
	defer p.stage("tags from rules as data, with a consent-gated win-back trigger")()
	rs, err := tagging.ParseRuleSet([]byte(quickstartRules), nil)
	if err != nil {
		return err
	}
	// Two customers in three granted SMS marketing when they registered.
	ledger := consent.NewLedger(e.store, consent.Options{Now: func() time.Time { return demo.Now }, NewID: demo.SeqIDs(3)})
	for i, id := range a.agg.ID {
		if i%3 == 2 {
			continue
		}
		cid, err := uuid.Parse(id)
		if err != nil {
			return err
		}
		if _, err := ledger.Grant(ctx, cid, consent.MarketingSMS, consent.Record{Channel: "app", PolicyVersion: "2025-01"}); err != nil {
			return err
		}
	}
	notifier := &countingNotifier{sent: map[string]int{}}
	eng := tagging.NewEngine(rs, &tagging.Options{
		Clock: func() time.Time { return demo.Now }, Notifier: notifier, Consent: consent.Checker{Ledger: ledger},
	})
	customers, err := tagCustomers(ctx, e, a)
	if err != nil {
		return err
	}
	counts := map[string]int{}
	sleepers := 0
	for r, err := range eng.EvaluateAll(ctx, slices.Values(customers)) {
		if err != nil {
			return err
		}
		for _, t := range r.Tags {
			counts[t.Name]++
		}
		if slices.Contains(r.Entered, "sleeping") {
			sleepers++
		}
		if err := rs.Record(ctx, e.store, r, demo.Now); err != nil {
			return err
		}
	}
	var parts []string
	for _, name := range []string{"active", "sleeping", "churned", "champion", "high_value_seafood", "likes_seafood", "coupon_hunter"} {
		parts = append(parts, fmt.Sprintf("%s %d", name, counts[name]))
	}
	p.printf("    %s\n", strings.Join(parts, ", "))
	p.printf("    win-back: %d customers entered sleeping, %d SMS sent (the rest have no SMS consent)\n", sleepers, notifier.sent["send_coupon_sms"])
	return nil
}

// tagCustomers builds the rule engine's snapshot of every scored customer.
func tagCustomers(ctx context.Context, e *env, a *analysis) ([]*tagging.Customer, error) {
	out := make([]*tagging.Customer, 0, a.agg.Len())
	for i, id := range a.agg.ID {
		cid, err := uuid.Parse(id)
		if err != nil {
			return nil, err
		}
		c, err := e.svc.Get(ctx, cid)
		if err != nil {
			return nil, err
		}
		tc := &tagging.Customer{
			ID: id, BirthDate: c.BirthDate, RegisteredAt: c.CreatedAt, MembershipLevel: c.MembershipLevel,
			Points: c.Points, Attributes: c.Attributes,
			RFM: tagging.RFM{R: int(a.scores.R[i]), F: int(a.scores.F[i]), M: int(a.scores.M[i]), Segment: a.segment[i]},
		}
		for o, err := range e.svc.Orders(ctx, cid) {
			if err != nil {
				return nil, err
			}
			cats := make([]string, 0, len(o.Items))
			for _, it := range o.Items {
				if !slices.Contains(cats, it.Category) {
					cats = append(cats, it.Category)
				}
			}
			cents := o.Total.Sub(o.Refunded).Shift(2).IntPart()
			tc.Orders = append(tc.Orders, tagging.Order{Time: o.PlacedAt, Amount: cents, Categories: cats})
		}
		for ev, err := range e.svc.Events(ctx, cid) {
			if err != nil {
				return nil, err
			}
			tc.Events = append(tc.Events, tagging.Event{Type: string(ev.Type), Time: ev.At})
		}
		out = append(out, tc)
	}
	return out, nil
}
