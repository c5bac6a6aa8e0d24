package access

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/cimkit/cimkit/customer"
	"github.com/cimkit/cimkit/privacy/audit"
	"github.com/google/uuid"
)

// Recorder receives audit entries. *audit.Log implements it.
type Recorder interface {
	Append(ctx context.Context, e audit.Entry) (uint64, error)
}

// Options configures a Guard.
type Options struct {
	Audit        Recorder         // required: reveals and denials are audited
	PseudonymKey []byte           // required, at least 16 bytes: keys pseudonymous ids
	Now          func() time.Time // default time.Now
}

// MaxReasonBytes bounds a reveal's stated reason.
const MaxReasonBytes = 1024

// Guard applies a Policy. It is safe for concurrent use.
type Guard struct {
	opt    Options
	mu     sync.RWMutex
	policy Policy
}

// NewGuard returns a guard for a valid policy.
func NewGuard(p Policy, opt Options) (*Guard, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if opt.Audit == nil {
		return nil, fmt.Errorf("access: options audit: %w: required", ErrInvalid)
	}
	if len(opt.PseudonymKey) < 16 {
		return nil, fmt.Errorf("access: options pseudonym_key: %w: shorter than 16 bytes", ErrInvalid)
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	opt.PseudonymKey = slices.Clone(opt.PseudonymKey)
	return &Guard{opt: opt, policy: p}, nil
}

// Policy returns the policy in force.
func (g *Guard) Policy() Policy {
	g.mu.RLock()
	defer g.mu.RUnlock()
	return g.policy
}

// SetPolicy replaces the policy, recording a rule change by the actor in
// ctx with the stated reason. The actor needs no particular role here: the
// host decides who may call it; the log says who did.
func (g *Guard) SetPolicy(ctx context.Context, p Policy, reason string) error {
	a, _, ok := ActorFrom(ctx)
	if !ok {
		return fmt.Errorf("access: %w", ErrNoActor)
	}
	if err := checkReason(reason); err != nil {
		return err
	}
	if err := p.Validate(); err != nil {
		return err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if _, err := g.opt.Audit.Append(ctx, audit.Entry{At: g.opt.Now(), Actor: token(a.ID), Role: token(a.Role),
		Action: audit.ActionRuleChange, Subject: token("access-policy:" + p.Version), Reason: reason,
		Outcome: audit.OutcomeAllowed}); err != nil {
		return fmt.Errorf("access: audit: %w", err)
	}
	g.policy = p
	return nil
}

// Decide returns the rule for the actor and purpose in ctx and group g.
// A missing actor, an unknown role or purpose is refused with a typed error
// and audited as a denial.
func (g *Guard) Decide(ctx context.Context, grp Group) (Rule, error) {
	if !slices.Contains(groups, grp) {
		return Rule{}, fmt.Errorf("access: group: %w: unknown group", ErrInvalid)
	}
	return g.decide(ctx, g.Policy(), grp)
}

func (g *Guard) decide(ctx context.Context, p Policy, grp Group) (Rule, error) {
	a, pur, ok := ActorFrom(ctx)
	if !ok || a.ID == "" {
		return Rule{}, g.deny(ctx, Actor{}, "", audit.ActionAccessDenied, "", []string{string(grp)}, "", fmt.Errorf("access: %w", ErrNoActor))
	}
	if token(a.ID) != a.ID {
		err := fmt.Errorf("access: actor id: %w: must be a printable token without spaces of at most %d bytes", ErrInvalid, audit.MaxIDBytes)
		return Rule{}, g.deny(ctx, Actor{Role: a.Role}, pur, audit.ActionAccessDenied, "", []string{string(grp)}, "", err)
	}
	r, err := p.rule(a.Role, pur, grp)
	if err != nil {
		return Rule{}, g.deny(ctx, a, pur, audit.ActionAccessDenied, "", []string{string(grp)}, "", err)
	}
	return r, nil
}

// views decides every group under one policy snapshot, so a concurrent
// SetPolicy never mixes two policies in one result.
func (g *Guard) views(ctx context.Context, p Policy) (map[Group]View, map[Group]Rule, error) {
	views, rules := map[Group]View{}, map[Group]Rule{}
	for _, grp := range groups {
		r, err := g.decide(ctx, p, grp)
		if err != nil {
			return nil, nil, err
		}
		views[grp], rules[grp] = r.View, r
	}
	return views, rules, nil
}

// Filter returns a copy of c with every group the actor in ctx may not see
// for their purpose masked or removed. Version is always kept.
func (g *Guard) Filter(ctx context.Context, c customer.Customer) (customer.Customer, error) {
	p := g.Policy()
	views, _, err := g.views(ctx, p)
	if err != nil {
		return customer.Customer{}, err
	}
	return g.apply(p, c, views), nil
}

func (g *Guard) apply(p Policy, c customer.Customer, views map[Group]View) customer.Customer {
	c = c.Clone()
	applyContact(&c, views[GroupContact])
	applyIdentity(&c, views[GroupIdentityDocuments])
	applyAddress(&c, views[GroupAddress])
	applyAccount(&c, views[GroupAccount])
	c.ID = g.customerID(c.ID, views[GroupPseudonymousID])
	if c.Attributes != nil {
		out := map[string]string{}
		for _, k := range slices.Sorted(maps.Keys(c.Attributes)) {
			if v, keep := applyAttribute(c.Attributes[k], views[p.attributeGroup(k)]); keep {
				out[k] = v
			}
		}
		c.Attributes = out
	}
	return c
}

// Reveal returns a copy of c filtered as Filter does except that group grp
// is in plaintext. The policy must allow the reveal for the actor's role
// and purpose, and reason must say why; the reveal is audited before the
// plaintext is returned, and refused if the audit log fails. A reveal
// without a reason wraps ErrNoReason, a forbidden one ErrDenied; both are
// audited as denials.
func (g *Guard) Reveal(ctx context.Context, c customer.Customer, grp Group, reason string) (customer.Customer, error) {
	if !slices.Contains(groups, grp) {
		return customer.Customer{}, fmt.Errorf("access: group: %w: unknown group", ErrInvalid)
	}
	p := g.Policy()
	views, rules, err := g.views(ctx, p)
	if err != nil {
		return customer.Customer{}, err
	}
	a, pur, _ := ActorFrom(ctx)
	fields := []string{string(grp)}
	if err := checkReason(reason); err != nil {
		return customer.Customer{}, g.deny(ctx, a, pur, audit.ActionReveal, c.ID.String(), fields, "", err)
	}
	if !rules[grp].Reveal {
		return customer.Customer{}, g.deny(ctx, a, pur, audit.ActionReveal, c.ID.String(), fields, reason,
			fmt.Errorf("access: reveal %s: %w", grp, ErrDenied))
	}
	views[grp] = ViewPlain
	if _, err := g.opt.Audit.Append(ctx, audit.Entry{At: g.opt.Now(), Actor: token(a.ID), Role: token(a.Role),
		Action: audit.ActionReveal, Subject: c.ID.String(), Fields: fields, Purpose: string(pur),
		Reason: reason, Outcome: audit.OutcomeAllowed}); err != nil {
		return customer.Customer{}, fmt.Errorf("access: audit: %w", err)
	}
	return g.apply(p, c, views), nil
}

func checkReason(reason string) error {
	if reason == "" {
		return fmt.Errorf("access: reason: %w", ErrNoReason)
	}
	if len(reason) > MaxReasonBytes || !utf8.ValidString(reason) {
		return fmt.Errorf("access: reason: %w: longer than %d bytes or not UTF-8", ErrInvalid, MaxReasonBytes)
	}
	return nil
}

// deny audits a refusal and returns err (joined with the audit failure,
// if any).
func (g *Guard) deny(ctx context.Context, a Actor, pur Purpose, action audit.Action, subject string, fields []string, reason string, err error) error {
	kind := "denied"
	for _, k := range []struct {
		s   error
		why string
	}{{ErrNoActor, "no_actor"}, {ErrUnknownRole, "unknown_role"}, {ErrUnknownPurpose, "unknown_purpose"},
		{ErrNoReason, "no_reason"}, {ErrInvalid, "invalid"}} {
		if errors.Is(err, k.s) {
			kind = k.why
			break
		}
	}
	actor := tokenOr(a.ID, "unknown")
	if actor == "" {
		actor = "unknown"
	}
	e := audit.Entry{At: g.opt.Now(), Actor: actor, Role: token(a.Role), Action: action,
		Subject: token(subject), Fields: fields, Purpose: token(string(pur)), Outcome: audit.OutcomeDenied, Denial: kind}
	if checkReason(reason) == nil {
		e.Reason = reason
	}
	if _, aerr := g.opt.Audit.Append(ctx, e); aerr != nil {
		return errors.Join(err, fmt.Errorf("access: audit: %w", aerr))
	}
	return err
}

// token returns s if it fits an audit entry's id fields, else "invalid".
func token(s string) string { return tokenOr(s, "invalid") }

func tokenOr(s, def string) string {
	if s == "" {
		return ""
	}
	e := audit.Entry{At: time.Unix(1, 0), Actor: s, Action: audit.ActionReveal, Outcome: audit.OutcomeAllowed}
	if e.Validate() != nil {
		return def
	}
	return s
}

// Pseudonym returns the keyed pseudonym of a customer id: stable for one
// key, unlinkable to the id without it. It is a UUID (version 8) so it
// fits wherever an id does.
func (g *Guard) Pseudonym(id uuid.UUID) uuid.UUID {
	m := hmac.New(sha256.New, g.opt.PseudonymKey)
	m.Write([]byte("cimkit/pseudonym/v1"))
	m.Write(id[:])
	var out uuid.UUID
	copy(out[:], m.Sum(nil))
	out[6] = out[6]&0x0f | 0x80 // version 8
	out[8] = out[8]&0x3f | 0x80 // RFC 9562 variant
	return out
}
