package privacy

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ShredReceipt records a crypto-shredding: which customer's data key
// versions were destroyed and when. Keep it as evidence of erasure; it
// holds no key material.
type ShredReceipt struct {
	Tenant      string
	CustomerID  string
	Versions    []uint32  // data key versions destroyed
	DestroyedAt time.Time // when the (first) destruction happened
	// AlreadyShredded is true if an earlier Shred had destroyed the keys.
	AlreadyShredded bool
}

// Shred destroys every data key of the customer and drops them from this
// Vault's cache. Afterwards every value sealed for the customer, wherever
// it was copied, is unrecoverable: Open returns an error matching both
// ErrShredded and ErrDecrypt, and Seal returns ErrShredded. Other Vaults
// over the same KeyStore stop opening the values within Options.CacheTTL.
// The KeyStore keeps a tombstone (no key material) so that later seals
// are refused; a KeyStore backup taken before the shred still holds the
// wrapped key until the KEK version that wrapped it is rotated out and
// destroyed (see RetireKey, DestroyKey). Shred is idempotent.
func (v *Vault) Shred(ctx context.Context, tenant, customerID string) (ShredReceipt, error) {
	r := ShredReceipt{Tenant: tenant, CustomerID: customerID}
	if tenant == "" || customerID == "" {
		return r, fmt.Errorf("%w: tenant and customer id are required", ErrInvalid)
	}
	ref := customerRef{tenant, customerID}
	defer v.invalidateCustomer(ref)
	v.invalidateCustomer(ref)
	now := v.now().UTC()
	for attempt := 0; attempt < 5; attempt++ {
		dks, err := v.ks.DataKeys(ctx, tenant, customerID)
		if err != nil {
			return r, fmt.Errorf("privacy: load data keys: %w", err)
		}
		if len(dks) == 0 {
			// Never sealed anything: leave a tombstone so nothing will be.
			err := v.ks.CreateDataKey(ctx, DataKey{Tenant: tenant, CustomerID: customerID, Version: 1, Created: now, Destroyed: now})
			if errors.Is(err, ErrAlreadyExists) {
				continue
			}
			if err != nil {
				return r, fmt.Errorf("privacy: store tombstone: %w", err)
			}
			r.Versions, r.DestroyedAt = []uint32{1}, now
			v.logShred(ctx, tenant, 1)
			return r, nil
		}
		r.Versions, r.DestroyedAt, r.AlreadyShredded = nil, time.Time{}, true
		conflict := false
		for _, dk := range dks {
			r.Versions = append(r.Versions, dk.Version)
			if !dk.Destroyed.IsZero() {
				if r.DestroyedAt.IsZero() || dk.Destroyed.Before(r.DestroyedAt) {
					r.DestroyedAt = dk.Destroyed
				}
				continue
			}
			r.AlreadyShredded = false
			prev := dk.KEKVersion
			dk.KEKVersion, dk.Wrapped, dk.Destroyed = 0, nil, now
			err := v.ks.UpdateDataKey(ctx, dk, prev)
			if errors.Is(err, ErrConflict) {
				conflict = true // rewrapped meanwhile; reload and retry
				break
			}
			if err != nil {
				return r, fmt.Errorf("privacy: destroy data key: %w", err)
			}
			r.DestroyedAt = now
		}
		if !conflict {
			if !r.AlreadyShredded {
				r.DestroyedAt = now
				v.logShred(ctx, tenant, len(r.Versions))
			}
			return r, nil
		}
	}
	return r, fmt.Errorf("%w: data keys kept changing during shred", ErrConflict)
}

func (v *Vault) logShred(ctx context.Context, tenant string, n int) {
	v.log.LogAttrs(ctx, slogInfo, "privacy: customer data key destroyed", attrTenant(tenant), attrCount("versions", n))
}
