package memstore

import (
	"fmt"

	"github.com/cimkit/cimkit/identity"
)

// refuseErased implements identity.Change.RefuseErased: an error wrapping
// identity.ErrErased if any record's id or linking key is tombstoned. It
// runs under the identity lock, the one PutTombstones takes, so no
// tombstone can be written between the check and the change's write.
func refuseErased(ts map[string]identity.Tombstone, recs []identity.StoredRecord) error {
	for _, r := range recs {
		if _, ok := ts[identity.TombstoneHash(identity.TombstoneRecord, r.ID)]; ok {
			return fmt.Errorf("memstore: identity record id tombstoned: %w", identity.ErrErased)
		}
		for _, k := range r.Keys {
			if _, ok := ts[identity.KeyTombstoneHash(k)]; ok {
				return fmt.Errorf("memstore: identity %s key tombstoned: %w", k.Kind, identity.ErrErased)
			}
		}
	}
	return nil
}
