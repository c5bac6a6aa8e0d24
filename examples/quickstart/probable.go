package main

import (
	"context"
	"slices"
	"time"

	"github.com/cimkit/cimkit/customer"
	"github.com/cimkit/cimkit/identity"
	"github.com/cimkit/cimkit/identity/match"
	"github.com/cimkit/cimkit/internal/demo"
	"github.com/cimkit/cimkit/internal/synth"
	"github.com/google/uuid"
)

// probableFields are the profile values the match model compares, as
// Ingest stores them on each source record.
var probableFields = []string{"name", "birth_date", "address.district", "address.detail"}

// probableStage trains a Fellegi–Sunter model on the ingested records'
// profile values, then lets it merge customers whose records share no
// identifier but agree on name, birth date and address well enough; the
// merges are recorded, explainable and reversible like any other.
func probableStage(ctx context.Context, p *progress, e *env) error {
	defer p.stage("probabilistic matching (Fellegi–Sunter) for records without a shared identifier")()
	ids := make([]string, len(e.ds.Records))
	for i, r := range e.ds.Records {
		ids[i] = r.ID
	}
	stored, err := e.store.IdentityRecords(ctx, ids)
	if err != nil {
		return err
	}
	recs := make([]match.Record, 0, len(stored))
	for _, r := range stored {
		vals := make([]string, len(probableFields))
		for i, f := range probableFields {
			vals[i] = r.Fields[f]
		}
		recs = append(recs, match.Record{ID: r.ID, Values: vals})
	}
	settings := match.Settings{Fields: probableFields, Seed: 1, USamplePairs: 50000,
		Blocking: []match.Rule{{Columns: []string{"birth_date"}}, {Columns: []string{"name", "address.district"}}}}
	for _, f := range probableFields {
		settings.Comparisons = append(settings.Comparisons, match.DefaultComparison(f, ""))
	}
	model, _, err := match.Train(ctx, settings, recs, nil)
	if err != nil {
		return err
	}
	r := identity.NewResolver(e.store, &identity.Options{
		Now: func() time.Time { return demo.Now }, NewID: demo.SeqIDs(4),
		Probable: &identity.ProbableOptions{Model: model, Threshold: 0.99, Review: 0.9},
	})
	svc := customer.New(e.store, &customer.Options{Identity: r, Now: func() time.Time { return demo.Now }, NewID: demo.SeqIDs(5)})
	rep, err := svc.ScanProbable(ctx, ids)
	if err != nil {
		return err
	}
	after, err := e.store.IdentityRecords(ctx, ids)
	if err != nil {
		return err
	}
	clusters := map[uuid.UUID][]string{}
	for _, sr := range after {
		clusters[sr.CustomerID] = append(clusters[sr.CustomerID], sr.ID)
		e.ids[sr.ID] = sr.CustomerID // orders go to the customer after merges
	}
	groups := make([][]string, 0, len(clusters))
	for _, g := range clusters {
		groups = append(groups, g)
	}
	truth := map[string]string{}
	for _, rec := range e.ds.Records {
		truth[rec.ID] = rec.PersonID
	}
	for _, rec := range e.ds.Records {
		if _, ok := e.ids[rec.ID]; ok && !inStored(after, rec.ID) {
			groups = append(groups, []string{rec.ID}) // no identifier: its own customer
		}
	}
	prec, rec, _, _, _ := synth.PairScores(groups, truth)
	p.printf("    %d candidate pairs scored: %d probable merges (p ≥ 0.99), %d suggestions for review, %d kept apart by operators\n",
		rep.Scored, len(rep.Merges), len(rep.Suggestions), len(rep.KeptApart))
	p.printf("    after probable merges: pairwise precision %.4f, recall %.4f\n", prec, rec)
	return nil
}

func inStored(recs []identity.StoredRecord, id string) bool {
	return slices.ContainsFunc(recs, func(r identity.StoredRecord) bool { return r.ID == id })
}
