package privacy

import (
	"context"
	"errors"
	"fmt"
)

// RotateDataKey adds a new version of the customer's data key and makes it
// the one new values are sealed with; values sealed under older versions
// still open, and Reseal moves them to the new version. It returns the new
// version, or ErrShredded for a shredded customer. Use it when a data key
// may have been exposed; routine rotation is of the tenant KEK (AddKey,
// PromoteKey, Rewrap), which needs no re-encryption of fields.
func (v *Vault) RotateDataKey(ctx context.Context, tenant, customerID string) (uint32, error) {
	if tenant == "" || customerID == "" {
		return 0, fmt.Errorf("%w: tenant and customer id are required", ErrInvalid)
	}
	ref := customerRef{tenant, customerID}
	defer v.invalidateCustomer(ref)
	for attempt := 0; attempt < 3; attempt++ {
		dks, err := v.ks.DataKeys(ctx, tenant, customerID)
		if err != nil {
			return 0, fmt.Errorf("privacy: load data keys: %w", err)
		}
		next := uint32(1)
		for _, dk := range dks {
			if !dk.Destroyed.IsZero() {
				return 0, fmt.Errorf("%w: customer data key", ErrShredded)
			}
			next = max(next, dk.Version+1)
		}
		_, err = v.createDataKey(ctx, tenant, customerID, next) // RotateDataKey invalidates the cache on return
		if errors.Is(err, ErrAlreadyExists) {
			continue
		}
		if err != nil {
			return 0, err
		}
		return next, nil
	}
	return 0, fmt.Errorf("%w: data key rotation did not settle", ErrConflict)
}

// Reseal opens ciphertext and, if it is not sealed under the customer's
// current data key version, seals it again under that version; otherwise
// it returns ciphertext unchanged. Use it to migrate stored values in
// batches after RotateDataKey. Errors are those of Open and Seal.
func (v *Vault) Reseal(ctx context.Context, ad AssociatedData, ciphertext []byte) ([]byte, error) {
	pt, err := v.Open(ctx, ad, ciphertext)
	if err != nil {
		return nil, err
	}
	defer clear(pt)
	ck, err := v.customerKeys(ctx, ad.Tenant, ad.CustomerID, false)
	if err != nil {
		return nil, err
	}
	if h, _ := parseHeader(ciphertext); ck != nil && h.version == ck.primary {
		return ciphertext, nil
	}
	return v.Seal(ctx, ad, pt)
}
