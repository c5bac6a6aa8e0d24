// Package access decides who may see which customer fields for which
// purpose. A Policy (data, usually JSON) grants each role a View of each
// field Group per Purpose; a Guard applies it to customer.Customer values,
// masking or removing what the actor may not see, and Reveal hands out
// plaintext as its own audited call that needs a stated reason.
//
//	g, _ := access.NewGuard(access.ExamplePolicy(), access.Options{Audit: log, PseudonymKey: key})
//	ctx = access.WithActor(ctx, access.Actor{ID: "agent-7", Role: "service_agent"}, access.PurposeService)
//	c, err := g.Filter(ctx, c)                                         // phone masked
//	c, err = g.Reveal(ctx, c, access.GroupContact, "caller on ticket 4411") // plaintext, audited
package access

import (
	"context"
	"errors"
)

// Sentinel errors; every error of this package wraps one of them.
var (
	// ErrInvalid: a policy, option or argument failed validation.
	ErrInvalid = errors.New("invalid")
	// ErrNoActor: the context carries no actor (see WithActor).
	ErrNoActor = errors.New("no actor in context")
	// ErrUnknownRole: the actor's role is not in the policy.
	ErrUnknownRole = errors.New("unknown role")
	// ErrUnknownPurpose: the purpose is not one of Purposes(), or the
	// role has no grants for it.
	ErrUnknownPurpose = errors.New("unknown purpose")
	// ErrNoReason: a reveal without a stated reason.
	ErrNoReason = errors.New("reveal needs a reason")
	// ErrDenied: the policy does not allow the operation.
	ErrDenied = errors.New("access denied")
)

// Group is a set of customer fields governed together.
type Group string

// Field groups and the customer.Customer fields they cover.
const (
	GroupContact           Group = "contact"            // Name, Phones, Emails
	GroupIdentityDocuments Group = "identity_documents" // BirthDate, Gender, identity-document attributes
	GroupAddress           Group = "address"            // Addresses
	GroupOrders            Group = "orders"             // orders and payments (checked with Guard.Decide)
	GroupDerivedScores     Group = "derived_scores"     // tag, segment and score attributes
	GroupPseudonymousID    Group = "pseudonymous_id"    // ID
	GroupAccount           Group = "account"            // level, points, registration, timestamps, other attributes
	// GroupInteractions covers a 360° view's behaviour events, service
	// tickets and feedback; masked keeps their kinds, times and scores and
	// drops their free text (event properties and keywords, ticket notes
	// and resolutions, feedback comments).
	GroupInteractions Group = "interactions"
)

var groups = []Group{GroupContact, GroupIdentityDocuments, GroupAddress, GroupOrders,
	GroupDerivedScores, GroupPseudonymousID, GroupAccount, GroupInteractions}

// Groups returns every field group in a fixed order.
func Groups() []Group { return append([]Group(nil), groups...) }

// Purpose is why the actor is reading.
type Purpose string

// Purposes of access.
const (
	PurposeService    Purpose = "service"
	PurposeFulfilment Purpose = "fulfilment"
	PurposeMarketing  Purpose = "marketing"
	PurposeAnalytics  Purpose = "analytics"
)

var purposes = []Purpose{PurposeService, PurposeFulfilment, PurposeMarketing, PurposeAnalytics}

// Purposes returns every purpose in a fixed order.
func Purposes() []Purpose { return append([]Purpose(nil), purposes...) }

// View is how much of a group an actor sees.
type View string

// Views, from least to most.
const (
	ViewNone         View = "none"         // removed
	ViewMasked       View = "masked"       // partly hidden (contact, identity documents, address)
	ViewPseudonymous View = "pseudonymous" // a keyed pseudonym instead of the id (pseudonymous_id only)
	ViewPlain        View = "plain"        // as stored
)

// Actor is who is reading: an id (staff or service account; a printable
// token without spaces, as the audit log records it) and a role named in
// the policy.
type Actor struct {
	ID   string
	Role string
}

type ctxKey struct{}

type ctxVal struct {
	actor   Actor
	purpose Purpose
}

// WithActor returns a context that carries the actor and the purpose of
// every read made with it.
func WithActor(ctx context.Context, a Actor, p Purpose) context.Context {
	return context.WithValue(ctx, ctxKey{}, ctxVal{a, p})
}

// ActorFrom returns the actor and purpose WithActor stored, and whether
// there were any.
func ActorFrom(ctx context.Context) (Actor, Purpose, bool) {
	v, ok := ctx.Value(ctxKey{}).(ctxVal)
	return v.actor, v.purpose, ok
}

// groupFields lists the customer.Customer fields (by their JSON-ish
// names) each group covers; attributes are assigned by Policy.AttributeGroups.
var groupFields = map[Group][]string{
	GroupContact:           {"name", "phones", "emails"},
	GroupIdentityDocuments: {"birth_date", "gender", "identity-document attributes"},
	GroupAddress:           {"addresses"},
	GroupOrders:            {"orders", "payments"},
	GroupDerivedScores:     {"tag, segment and score attributes"},
	GroupPseudonymousID:    {"id"},
	GroupAccount:           {"membership_level", "points", "registration_via", "created_at", "updated_at", "other attributes"},
	GroupInteractions:      {"events", "tickets", "feedback"},
}

// GroupFields returns the fields a group covers, for records of processing.
func GroupFields(g Group) []string { return append([]string(nil), groupFields[g]...) }
