package customer

import (
	"context"
	"fmt"
	"iter"
	"slices"

	"github.com/cimkit/cimkit/identity"
)

// BatchWindow is how many source records IngestBatch resolves together.
const BatchWindow = 16384

// BatchFailure is one record Ingest could not take.
type BatchFailure struct {
	Index    int          // position in the input, from 0
	RecordID string       // the source record id (not personal data)
	Err      error        // wraps identity.ErrNoIdentifier, ErrInvalid ...
	Record   SourceRecord // the raw record as given, so nothing is lost
}

// BatchReport summarises IngestBatch.
type BatchReport struct {
	Records                         int
	Created, Matched, Merged, Split int
	// Failures holds every record not ingested, in input order: nothing
	// is dropped silently.
	Failures []BatchFailure
}

// IngestBatch ingests records as Ingest would, one after another in input
// order, with the same outcomes, profiles and events; it reads BatchWindow
// records at a time and resolves each window with
// identity.Resolver.IngestBatch (in memory, written in chunks), which
// makes far fewer store round trips. progress, when not nil, is called
// after each record with the number done so far. A record that fails is
// kept in the report and the batch goes on; an error from the iterator is
// kept the same way. Only a cancelled context stops the batch early (its
// error is returned with the report so far).
func (s *Service) IngestBatch(ctx context.Context, records iter.Seq2[SourceRecord, error], progress func(done int)) (BatchReport, error) {
	var rep BatchReport
	var window []SourceRecord
	var errs []error // the iterator's error per record of the window
	for src, err := range records {
		if cerr := ctx.Err(); cerr != nil {
			return rep, cerr
		}
		window, errs = append(window, src), append(errs, err)
		if len(window) == BatchWindow {
			if err := s.ingestWindow(ctx, window, errs, &rep, progress); err != nil {
				return rep, err
			}
			window, errs = window[:0], errs[:0]
		}
	}
	if err := s.ingestWindow(ctx, window, errs, &rep, progress); err != nil {
		return rep, err
	}
	return rep, ctx.Err()
}

// ingestWindow ingests one window of records into rep.
func (s *Service) ingestWindow(ctx context.Context, window []SourceRecord, iterErrs []error, rep *BatchReport, progress func(int)) error {
	if len(window) == 0 {
		return nil
	}
	start := rep.Records
	var fails []BatchFailure
	fail := func(i int, err error) {
		fails = append(fails, BatchFailure{Index: start + i, RecordID: window[i].ID, Err: err, Record: window[i]})
	}
	done := func() {
		rep.Records++
		if progress != nil {
			progress(rep.Records)
		}
	}
	preps := make([]ingestPrep, len(window))
	var recs []identity.Record
	var at []int // window index of each record resolved
	for i, src := range window {
		err := iterErrs[i]
		if err == nil {
			preps[i], err = s.prepIngest(ctx, src)
		}
		if err != nil {
			fail(i, err)
			done()
			continue
		}
		recs = append(recs, preps[i].rec)
		at = append(at, i)
	}
	if len(recs) == 0 { // all failed before resolution (or no resolver)
		slices.SortFunc(fails, func(a, b BatchFailure) int { return a.Index - b.Index })
		rep.Failures = append(rep.Failures, fails...)
		return nil
	}
	err := s.resolver.IngestBatch(ctx, recs, func(k int, res identity.Result, err error) {
		i := at[k]
		out, err := s.finishIngest(ctx, &preps[i], res, err)
		if err != nil {
			fail(i, err)
		} else {
			switch out.Outcome {
			case identity.Created:
				rep.Created++
			case identity.Matched:
				rep.Matched++
			case identity.Merged:
				rep.Merged++
			case identity.Split:
				rep.Split++
			}
		}
		done()
	})
	slices.SortFunc(fails, func(a, b BatchFailure) int { return a.Index - b.Index })
	rep.Failures = append(rep.Failures, fails...)
	if err != nil {
		return fmt.Errorf("ingest batch: %w", err)
	}
	return nil
}
