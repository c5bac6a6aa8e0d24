package customer

import (
	"context"
	"fmt"
	"time"

	"github.com/cimkit/cimkit/privacy"
	"github.com/cimkit/cimkit/privacy/audit"
	"github.com/cimkit/cimkit/privacy/consent"
	"github.com/google/uuid"
)

// Shredder destroys a customer's data keys (crypto-shredding).
// *privacy.Vault implements it.
type Shredder interface {
	Shred(ctx context.Context, tenant, customerID string) (privacy.ShredReceipt, error)
}

// Auditor receives audit entries. *audit.Log implements it.
type Auditor interface {
	Append(ctx context.Context, e audit.Entry) (uint64, error)
}

// ActivityRedactor is an optional capability of a Store: it clears the
// free text of a customer's behaviour events (Keyword, Properties) and
// feedback (Comment), which EventStore and TicketStore cannot update. It
// returns how many items it changed and is idempotent. memstore
// implements it.
type ActivityRedactor interface {
	RedactActivity(ctx context.Context, customerID uuid.UUID) (int, error)
}

// ExportSource adds data held outside the customer Store (tags, segment
// memberships, scores) to an Export. Items must belong to the customer
// asked for.
type ExportSource interface {
	ExportItems(ctx context.Context, customerID uuid.UUID) ([]ExportItem, error)
}

// SubjectEraser removes what a store outside the customer Store holds about
// a customer (tags, segment memberships, scores) when the customer is
// erased. It must be idempotent: a retried erasure calls it again.
type SubjectEraser interface {
	EraseSubject(ctx context.Context, customerID uuid.UUID) error
}

// RightsOptions configure Rights. Every field is optional.
type RightsOptions struct {
	// Shredder destroys the customer's data key on erasure. Without one
	// the receipt records that no key was held by cimkit.
	Shredder Shredder
	// Tenant is passed to the Shredder (default "default").
	Tenant string
	// Audit receives one entry per erasure and export, allowed or denied.
	Audit Auditor
	// Actor names who is acting, for the audit entries; a host using
	// privacy/access passes a function over access.ActorFrom. Default:
	// actor "system", no role.
	Actor func(ctx context.Context) (id, role string)
	// Consents is the consent ledger exported with the customer's data.
	// Consent events are kept on erasure: they are the evidence of what
	// the person agreed to and withdrew.
	Consents consent.Store
	// Sources add tags, segments and scores to exports.
	Sources []ExportSource
	// Erasers remove tags, segments and scores on erasure; each is called
	// for the customer and every former id.
	Erasers []SubjectEraser
	// Now defaults to the Service's clock.
	Now func() time.Time
}

// Rights carries out data subject requests over a Service: Erase (the
// right to erasure) and Export (the right of access). It is a separate
// type rather than Service methods because it needs collaborators that
// ordinary reads and writes do not (a key shredder, the audit log, the
// consent ledger, tag sources); it lives in package customer, not in
// privacy, because privacy is a leaf the customer package builds on.
// Rights is safe for concurrent use when the Service and its
// collaborators are.
type Rights struct {
	svc *Service
	opt RightsOptions
}

// NewRights returns Rights over svc. opts may be nil.
func NewRights(svc *Service, opts *RightsOptions) *Rights {
	r := &Rights{svc: svc}
	if opts != nil {
		r.opt = *opts
	}
	if r.opt.Tenant == "" {
		r.opt.Tenant = "default"
	}
	if r.opt.Now == nil {
		r.opt.Now = svc.now
	}
	return r
}

func (r *Rights) actor(ctx context.Context) (string, string) {
	if r.opt.Actor != nil {
		if id, role := r.opt.Actor(ctx); id != "" {
			return id, role
		}
	}
	return "system", ""
}

// audit appends one entry when an Auditor is set. denial is "" for an
// allowed operation.
func (r *Rights) audit(ctx context.Context, action audit.Action, subject uuid.UUID, fields []string, reason, denial string) error {
	if r.opt.Audit == nil {
		return nil
	}
	id, role := r.actor(ctx)
	e := audit.Entry{At: r.opt.Now().UTC(), Actor: id, Role: role, Action: action, Subject: subject.String(),
		Fields: fields, Reason: reason, Outcome: audit.OutcomeAllowed}
	if denial != "" {
		e.Outcome, e.Denial = audit.OutcomeDenied, denial
	}
	if _, err := r.opt.Audit.Append(ctx, e); err != nil {
		return fmt.Errorf("%s: audit: %w", action, err)
	}
	return nil
}
