package customer

import (
	"context"
	"fmt"

	"github.com/cimkit/cimkit/identity"
)

// ScanProbable runs probabilistic linking over the source records with the
// given ids (see identity.Resolver.ScanProbable: pairs at or above the
// resolver's threshold are merged as probable links, pairs between the
// review threshold and it are returned as suggestions) and recomputes the
// golden profiles of every customer the merges changed; absorbed profiles
// are removed. The resolver must be built with identity.Options.Probable.
// Record fields are those Ingest stores: "name", "birth_date", "gender",
// "phone", "email", "address", "address.province", "address.city",
// "address.district", "address.detail", "address.postal_code". With a
// Sealer they are opened in memory to be scored; nothing opened is stored.
func (s *Service) ScanProbable(ctx context.Context, recordIDs []string) (identity.ProbableReport, error) {
	if s.resolver == nil {
		return identity.ProbableReport{}, ErrNoResolver
	}
	var open identity.RecordOpener
	if s.sealer != nil {
		// Sealed record fields are opened in memory to be scored.
		open = func(ctx context.Context, recs []identity.StoredRecord) ([]identity.StoredRecord, error) {
			return s.openRecordFields(ctx, recs, nil)
		}
	}
	rep, err := s.resolver.ScanProbableOpened(ctx, recordIDs, open)
	// Reproject whatever was written, also when a later pair failed.
	for _, ev := range rep.Events {
		if perr := s.reprojectEvent(ctx, ev); perr != nil && err == nil {
			err = perr
		}
	}
	if err != nil {
		return rep, fmt.Errorf("probable scan: %w", err)
	}
	return rep, nil
}
