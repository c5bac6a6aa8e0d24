package privacy

import (
	"context"
	"fmt"
	"time"
)

// KeyKind names what a tenant key is for.
type KeyKind uint8

const (
	// KindKEK is a tenant key-encryption key: it wraps customer data keys.
	KindKEK KeyKind = 1
	// KindIndex is a tenant blind-index key: it keys the HMAC of
	// [Tokenizer].
	KindIndex KeyKind = 2
)

// String returns "kek" or "index".
func (k KeyKind) String() string {
	switch k {
	case KindKEK:
		return "kek"
	case KindIndex:
		return "index"
	}
	return fmt.Sprintf("KeyKind(%d)", uint8(k))
}

// KeyState is the life-cycle state of a tenant key version. The order of a
// rotation is: add (Active) -> make primary (Primary; the old primary becomes
// Active) -> re-encrypt -> retire (Retired) -> destroy (Destroyed).
type KeyState uint8

const (
	// StateActive keys open (KEK: unwrap; index: produce lookup tokens) but
	// are not used for new values.
	StateActive KeyState = 1
	// StatePrimary is the one key per tenant and kind used for new values.
	StatePrimary KeyState = 2
	// StateRetired keys are kept but no longer used at all; they can still
	// be reactivated or destroyed.
	StateRetired KeyState = 3
	// StateDestroyed keys have had their wrapped material erased.
	StateDestroyed KeyState = 4
)

// String returns "active", "primary", "retired" or "destroyed".
func (s KeyState) String() string {
	switch s {
	case StateActive:
		return "active"
	case StatePrimary:
		return "primary"
	case StateRetired:
		return "retired"
	case StateDestroyed:
		return "destroyed"
	}
	return fmt.Sprintf("KeyState(%d)", uint8(s))
}

// usable reports whether the key may be unwrapped and used to read.
func (s KeyState) usable() bool { return s == StateActive || s == StatePrimary }

// TenantKey is one version of a tenant's key-encryption or blind-index key,
// as a KeyStore holds it. Wrapped is the key wrapped by the host KeyManager
// under KeyName; it is nil once destroyed. It never holds a raw key.
type TenantKey struct {
	Tenant  string
	Kind    KeyKind
	Version uint32 // >= 1, assigned in increasing order
	State   KeyState
	KeyName string // KeyManager key that wrapped this key
	Wrapped []byte
	Created time.Time
	Updated time.Time
}

// DataKey is one version of a customer's data key (DEK) as a KeyStore holds
// it: the key wrapped by the tenant KEK version KEKVersion. A destroyed
// (shredded) data key keeps its record as a tombstone with Wrapped nil,
// KEKVersion 0 and Destroyed set, so later reads report [ErrShredded].
type DataKey struct {
	Tenant     string
	CustomerID string
	Version    uint32 // >= 1
	KEKVersion uint32 // 0 once destroyed
	Wrapped    []byte
	Created    time.Time
	Destroyed  time.Time // zero unless shredded
}

// KeyStore persists wrapped keys. The host implements it on its database
// (cimkit's memstore provides one for tests); storetest.RunKeys checks the
// contract below. It only ever sees wrapped keys. All methods must be safe
// for concurrent use, take and return copies (byte slices included), and
// honour ctx cancellation.
type KeyStore interface {
	// CreateTenantKey stores a new tenant key version. It returns an error
	// matching ErrAlreadyExists if (Tenant, Kind, Version) is already
	// stored; the stored key is then unchanged.
	CreateTenantKey(ctx context.Context, k TenantKey) error

	// UpdateTenantKey replaces State, Wrapped, KeyName and Updated of the
	// stored version (Tenant, Kind, Version). It returns ErrNotFound if
	// that version does not exist.
	UpdateTenantKey(ctx context.Context, k TenantKey) error

	// ListTenantKeys returns every version of the tenant's keys of the
	// given kind, in increasing Version order, or an empty slice.
	ListTenantKeys(ctx context.Context, tenant string, kind KeyKind) ([]TenantKey, error)

	// CreateDataKey stores a new customer data key version. It returns
	// ErrAlreadyExists if (Tenant, CustomerID, Version) is already stored;
	// the stored key is then unchanged (two writers racing to create a
	// customer's first key must see exactly one win).
	CreateDataKey(ctx context.Context, k DataKey) error

	// DataKeys returns every version of the customer's data keys,
	// tombstones included, in increasing Version order, or an empty slice
	// if there are none.
	DataKeys(ctx context.Context, tenant, customerID string) ([]DataKey, error)

	// UpdateDataKey replaces KEKVersion, Wrapped and Destroyed of the
	// stored version (Tenant, CustomerID, Version) if its stored
	// KEKVersion equals prevKEKVersion; otherwise it returns ErrConflict
	// and changes nothing. It returns ErrNotFound if the version does not
	// exist. Rewrapping and shredding use it as a compare-and-swap so a
	// rewrap can never resurrect a shredded key.
	UpdateDataKey(ctx context.Context, k DataKey, prevKEKVersion uint32) error

	// ListDataKeys pages through the tenant's data keys ordered by
	// (CustomerID, Version), returning at most limit keys (limit >= 1)
	// that sort after the position cursor names ("" starts at the
	// beginning), and the cursor of the last key returned, or "" when the
	// listing is complete. Cursors are opaque to callers and stay valid
	// when keys are added or updated.
	ListDataKeys(ctx context.Context, tenant, cursor string, limit int) (keys []DataKey, next string, err error)
}
