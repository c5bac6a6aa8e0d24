package tagging

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"
)

// ErrBadPageToken marks a page token the store did not produce.
var ErrBadPageToken = errors.New("tagging: bad page token")

// Assignment is one entry of a customer's tag history: the tag set (or,
// with Removed, taken away), by whom or which rule, when and why.
type Assignment struct {
	CustomerID string
	Tag        string
	// Weight is in 0..1 (1 for unweighted tags).
	Weight float64
	// Source is "rule", "weighted", "manual", "import" or a host value.
	Source string
	// SetBy names the user, import job or rule set that made the change.
	SetBy string
	// Reason says why, e.g. the rule that matched or an import file name.
	Reason string
	// At is when the change was made.
	At time.Time
	// ExpiresAt, when non-zero, is when a static tag stops applying; stores
	// keep it and never interpret it.
	ExpiresAt time.Time
	// Removed marks a history entry that took the tag away.
	Removed bool
}

// Validate checks the fields a store relies on; errors wrap ErrInvalid and
// name the field.
func (a *Assignment) Validate() error {
	switch {
	case a.CustomerID == "":
		return fmt.Errorf("%w: assignment customer_id is empty", ErrInvalid)
	case a.Tag == "":
		return fmt.Errorf("%w: assignment tag is empty", ErrInvalid)
	case len(a.Tag) > MaxNameLen:
		return fmt.Errorf("%w: assignment tag longer than %d bytes", ErrInvalid, MaxNameLen)
	case math.IsNaN(a.Weight) || a.Weight < 0 || a.Weight > 1:
		return fmt.Errorf("%w: assignment weight outside 0..1", ErrInvalid)
	case a.At.IsZero():
		return fmt.Errorf("%w: assignment at is zero", ErrInvalid)
	}
	return nil
}

// Store keeps customers' current tags and their history. Implementations
// must be safe for concurrent use, return copies, honour ctx cancellation,
// and pass storetest.RunTags.
type Store interface {
	// SetTag makes a the customer's current value of a.Tag, replacing any
	// previous one, and appends it to the history. An invalid assignment
	// (see Assignment.Validate) or one with Removed set fails with
	// ErrInvalid and changes nothing.
	SetTag(ctx context.Context, a Assignment) error
	// RemoveTag takes the tag away from the customer and appends a removal
	// entry (Removed, SetBy by, Reason reason, At at, Weight 0). It fails
	// with ErrNotFound when the customer does not carry the tag.
	RemoveTag(ctx context.Context, customerID, tag, by, reason string, at time.Time) error
	// CustomerTags returns the customer's current assignments sorted by
	// tag; an unknown customer has none.
	CustomerTags(ctx context.Context, customerID string) ([]Assignment, error)
	// TagHistory returns every assignment and removal of the tag for the
	// customer in the order they were made.
	TagHistory(ctx context.Context, customerID, tag string) ([]Assignment, error)
	// ListByTag returns the ids of customers currently carrying the tag in
	// ascending byte order, at most limit of them (limit <= 0 means 100;
	// larger than 1,000 means 1,000), and an opaque token for the next page,
	// "" after the last. A page continues after the last id of the previous
	// one, so concurrent changes never repeat an id. A token the store did
	// not produce fails with ErrBadPageToken.
	ListByTag(ctx context.Context, tag, pageToken string, limit int) (ids []string, next string, err error)
}
