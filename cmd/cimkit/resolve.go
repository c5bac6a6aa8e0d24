package main

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/cimkit/cimkit/identity"
	"github.com/cimkit/cimkit/identity/match"
	"github.com/cimkit/cimkit/memstore"
	"github.com/google/uuid"
)

func runResolve(s stdio, args []string) error {
	fs := newFlagSet(s, "resolve", "-in records.csv -id COL -phone COL -device COL [-email COL] [-member COL] [-name COL] [-time COL] [-model model.json [-threshold 0.95] [-review P]] -out clusters.csv [-explain ID]")
	in := fs.String("in", "", "input CSV with a header row (required)")
	idCol := fs.String("id", "", "column holding the record id (required)")
	phoneCol := fs.String("phone", "", "column holding the phone number (required)")
	deviceCol := fs.String("device", "", "column holding the device fingerprint (required)")
	emailCol := fs.String("email", "", "column holding the email address")
	memberCol := fs.String("member", "", "column holding the member id")
	nameCol := fs.String("name", "", "column holding the name (weak evidence, used for recycled phone numbers)")
	timeCol := fs.String("time", "", "column holding when the record was seen (RFC 3339 or YYYY-MM-DD[ HH:MM:SS])")
	out := fs.String("out", "", "output CSV of record_id,customer_id (required unless -explain)")
	explain := fs.String("explain", "", "print why this customer (id) or the customer of this record (record id) was formed")
	modelPath := fs.String("model", "", "probabilistic model (JSON from cimkit match -save-model): also merge records whose columns named like the model's fields match with at least -threshold probability")
	threshold := fs.Float64("threshold", 0.95, "with -model: match probability at or above which two customers are merged")
	review := fs.Float64("review", 0, "with -model: report the number of pairs at or above this probability but below -threshold (0: none)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *in == "" || *idCol == "" || *phoneCol == "" || *deviceCol == "" {
		return fmt.Errorf("%w: -in, -id, -phone and -device are required", errUsage)
	}
	if *out == "" && *explain == "" {
		return fmt.Errorf("%w: -out is required", errUsage)
	}
	f, err := os.Open(*in)
	if err != nil {
		return err
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return fmt.Errorf("read header: %w", err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimPrefix(strings.TrimSpace(h), "\ufeff")] = i
	}
	type mapping struct {
		name string
		kind identity.Kind
		flag string
	}
	var maps []mapping
	for _, m := range []mapping{{*phoneCol, identity.KindPhone, "-phone"}, {*deviceCol, identity.KindDevice, "-device"},
		{*emailCol, identity.KindEmail, "-email"}, {*memberCol, identity.KindMemberID, "-member"}, {*nameCol, identity.KindName, "-name"}} {
		if m.name == "" {
			continue
		}
		if _, ok := col[m.name]; !ok {
			return fmt.Errorf("%w: %s: no column %q in the header", errUsage, m.flag, m.name)
		}
		maps = append(maps, m)
	}
	for flagName, c := range map[string]string{"-id": *idCol, "-time": *timeCol} {
		if _, ok := col[c]; c != "" && !ok {
			return fmt.Errorf("%w: %s: no column %q in the header", errUsage, flagName, c)
		}
	}
	ctx := context.Background()
	n := 0
	st := memstore.New()
	opts := &identity.Options{NewID: func() uuid.UUID {
		n++
		return uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "cimkit-resolve/%d", n))
	}, Now: func() time.Time { return time.Unix(0, 0).UTC() }}
	var modelFields []string
	if *modelPath != "" {
		if opts.Probable, err = loadProbable(*modelPath, *threshold, *review); err != nil {
			return err
		}
		modelFields = opts.Probable.Model.Fields()
		for _, f := range modelFields {
			if _, ok := col[f]; !ok {
				return fmt.Errorf("%w: -model: no column %q (a model field) in the header", errUsage, f)
			}
		}
		// Records with no identifier are kept through their own id,
		// which links nothing else, so the model can join them.
		if opts.Rules, err = identity.NewRules(append(identity.DefaultRules(), identity.Rule{Kind: kindSourceID, Priority: 1})); err != nil {
			return err
		}
	}
	r := identity.NewResolver(st, opts)
	var ids []string
	var batch []identity.Record
	var lines []int
	noID, line := 0, 1
	var firstErr error
	for {
		row, err := cr.Read()
		line++
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("read line %d: %w", line, err)
		}
		get := func(c string) string {
			if i, ok := col[c]; ok && i < len(row) {
				return row[i]
			}
			return ""
		}
		rec := identity.Record{ID: get(*idCol)}
		if *timeCol != "" {
			if t, ok := parseTime(get(*timeCol)); ok {
				rec.At = t
			}
		}
		for _, m := range maps {
			if v := get(m.name); strings.TrimSpace(v) != "" {
				rec.Identifiers = append(rec.Identifiers, identity.Identifier{Kind: m.kind, Value: v})
			}
		}
		if modelFields != nil {
			rec.Fields = map[string]string{}
			for _, f := range modelFields {
				rec.Fields[f] = get(f)
			}
			if rec.ID != "" {
				rec.Identifiers = append(rec.Identifiers, identity.Identifier{Kind: kindSourceID, Value: rec.ID})
			}
		}
		ids = append(ids, rec.ID)
		batch = append(batch, rec)
		lines = append(lines, line)
	}
	// One batch: resolved in memory and written in chunks (Ingest's
	// outcomes, far fewer store round trips).
	firstAt, failAt := -1, -1
	var fail error
	if err := r.IngestBatch(ctx, batch, func(i int, _ identity.Result, err error) {
		switch {
		case err == nil:
		case errors.Is(err, identity.ErrNoIdentifier) || errors.Is(err, identity.ErrInvalid):
			noID++
			if firstAt < 0 || i < firstAt {
				firstAt, firstErr = i, fmt.Errorf("line %d: %w", lines[i], err)
			}
		case failAt < 0 || i < failAt:
			failAt, fail = i, fmt.Errorf("line %d: %w", lines[i], err)
		}
	}); err != nil {
		return err
	}
	if fail != nil {
		return fail
	}
	if noID > 0 {
		fmt.Fprintf(s.err, "%d records not resolved (no usable identifier or no record id; customer_id left empty); first: %v\n", noID, firstErr)
	}
	if modelFields != nil {
		rep, err := r.ScanProbable(ctx, ids)
		if err != nil {
			return err
		}
		fmt.Fprintf(s.err, "probable links: %d candidate pairs, %d merges at or above %g, %d kept apart", rep.Scored, len(rep.Merges), *threshold, len(rep.KeptApart))
		if *review > 0 {
			fmt.Fprintf(s.err, ", %d suggestions at or above %g", len(rep.Suggestions), *review)
		}
		fmt.Fprintln(s.err)
	}
	recs, err := st.IdentityRecords(ctx, ids)
	if err != nil {
		return err
	}
	of := make(map[string]uuid.UUID, len(recs))
	customers := map[uuid.UUID]bool{}
	for _, x := range recs {
		of[x.ID] = x.CustomerID
		customers[x.CustomerID] = true
	}
	if *out != "" {
		if err := writeClusters(*out, ids, of); err != nil {
			return err
		}
		fmt.Fprintf(s.err, "resolved %d records into %d customers; wrote %s\n", len(ids), len(customers), *out)
	}
	if *explain != "" {
		cid, err := uuid.Parse(*explain)
		if err != nil || !customers[cid] {
			var ok bool
			if cid, ok = of[*explain]; !ok {
				return fmt.Errorf("%w: -explain: no customer or resolved record with that id", errUsage)
			}
		}
		x, err := r.Explain(ctx, cid)
		if err != nil {
			return err
		}
		return x.WriteText(s.out)
	}
	return nil
}

// kindSourceID is the identifier kind resolve -model gives every record:
// its own id, so records without phone or device are kept for the model.
const kindSourceID identity.Kind = "source_id"

// loadProbable reads a saved match model.
func loadProbable(path string, threshold, review float64) (*identity.ProbableOptions, error) {
	if !(threshold > 0 && threshold <= 1) {
		return nil, fmt.Errorf("%w: -threshold must be in (0, 1]", errUsage)
	}
	if !(review >= 0 && review <= threshold) {
		return nil, fmt.Errorf("%w: -review must be in [0, -threshold]", errUsage)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	m, err := match.UnmarshalModel(data)
	if err != nil {
		return nil, fmt.Errorf("-model: %w", err)
	}
	return &identity.ProbableOptions{Model: m, Threshold: threshold, Review: review}, nil
}

func writeClusters(path string, ids []string, of map[string]uuid.UUID) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	_ = w.Write([]string{"record_id", "customer_id"})
	for _, id := range ids {
		c := ""
		if cid, ok := of[id]; ok {
			c = cid.String()
		}
		_ = w.Write([]string{id, c})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func parseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339, "2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006-01-02", "2006/01/02 15:04:05", "2006/01/02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}
