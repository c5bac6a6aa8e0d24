package main

import (
	"context"

	"time"

	"github.com/cimkit/cimkit/customer"
	"github.com/cimkit/cimkit/internal/synth"
	"github.com/cimkit/cimkit/memstore"
	"github.com/google/uuid"
)

// resolveStage ingests the synthetic records through Service.Ingest into a
// fresh in-memory service: every record is cleaned, resolved to a customer
// by phone, device, email and member id, and the customer's golden profile
// is kept up to date. It prints how many customers the records became and
// scores the result against the generator's ground truth.
func resolveStage(ctx context.Context, p *progress, e *env) error {
	defer p.stage("identity resolution: ingest the records through Service.Ingest")()
	store := memstore.New()
	svc := customer.New(store, &customer.Options{Now: func() time.Time { return now }, NewID: seqIDs(2)})
	records := func(yield func(customer.SourceRecord, error) bool) {
		for _, r := range e.ds.Records {
			if !yield(sourceOf(r), nil) {
				return
			}
		}
	}
	rep, err := svc.IngestBatch(ctx, records, nil)
	if err != nil {
		return err
	}
	ids := make([]string, len(e.ds.Records))
	truth := make(map[string]string, len(ids))
	for i, r := range e.ds.Records {
		ids[i] = r.ID
		truth[r.ID] = r.PersonID
	}
	recs, err := store.IdentityRecords(ctx, ids)
	if err != nil {
		return err
	}
	clusters := map[uuid.UUID][]string{}
	for _, r := range recs {
		clusters[r.CustomerID] = append(clusters[r.CustomerID], r.ID)
	}
	var groups [][]string
	for _, c := range clusters {
		groups = append(groups, c)
	}
	for _, f := range rep.Failures { // not resolved: each its own customer for scoring
		groups = append(groups, []string{f.RecordID})
	}
	prec, rec := pairwise(groups, truth)
	p.printf("%d records (%d people) → %d customers: %d created, %d matched, %d merged, %d split; %d without a usable identifier\n",
		rep.Records, len(e.ds.Persons), len(clusters), rep.Created, rep.Matched, rep.Merged, rep.Split, len(rep.Failures))
	p.printf("pairwise precision %.4f, recall %.4f against the synthetic truth\n", prec, rec)
	return nil
}

// pairwise scores clusters against the truth by counting record pairs.
func pairwise(groups [][]string, truth map[string]string) (precision, recall float64) {
	pairs := func(n int) int { return n * (n - 1) / 2 }
	perPerson := map[string]int{}
	for _, person := range truth {
		perPerson[person]++
	}
	truePairs, predPairs, tp := 0, 0, 0
	for _, n := range perPerson {
		truePairs += pairs(n)
	}
	for _, g := range groups {
		predPairs += pairs(len(g))
		cell := map[string]int{}
		for _, id := range g {
			cell[truth[id]]++
		}
		for _, n := range cell {
			tp += pairs(n)
		}
	}
	precision, recall = 1, 1
	if predPairs > 0 {
		precision = float64(tp) / float64(predPairs)
	}
	if truePairs > 0 {
		recall = float64(tp) / float64(truePairs)
	}
	return precision, recall
}

// sourceOf turns a synthetic channel record into a raw source record.
func sourceOf(r synth.Record) customer.SourceRecord {
	return customer.SourceRecord{
		ID: r.ID, Channel: customer.Channel(r.Channel), At: r.RegisteredAt,
		Name: r.Name, Gender: r.Gender, BirthDate: r.BirthDate, Phone: r.Phone, Email: r.Email,
		Device: r.Device, MemberID: r.MemberID, Address: r.Address,
	}
}
