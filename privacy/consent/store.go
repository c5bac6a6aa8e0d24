package consent

import (
	"context"

	"github.com/google/uuid"
)

// Store keeps consent events, append-only. Package memstore implements it;
// storetest.RunConsent checks any implementation.
//
// Rules: ctx is honoured (a cancelled context returns ctx.Err() and
// changes nothing); values are copies; there is no update or delete.
type Store interface {
	// AppendConsent stores e. An event with the same ID → ErrAlreadyExists
	// and nothing changes (so a retried append is safe).
	AppendConsent(ctx context.Context, e Event) error
	// ListConsent returns every event of the customer in append order;
	// an unknown customer has none (no error).
	ListConsent(ctx context.Context, customerID uuid.UUID) ([]Event, error)
}
