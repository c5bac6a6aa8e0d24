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
	"github.com/cimkit/cimkit/memstore"
	"github.com/google/uuid"
)

func runResolve(s stdio, args []string) error {
	fs := newFlagSet(s, "resolve", "-in records.csv -id COL -phone COL -device COL [-email COL] [-member COL] [-name COL] [-time COL] -out clusters.csv [-explain ID]")
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
	r := identity.NewResolver(st, &identity.Options{NewID: func() uuid.UUID {
		n++
		return uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "cimkit-resolve/%d", n))
	}, Now: func() time.Time { return time.Unix(0, 0).UTC() }})
	var ids []string
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
		ids = append(ids, rec.ID)
		if _, err := r.Ingest(ctx, rec); err != nil {
			if !errors.Is(err, identity.ErrNoIdentifier) && !errors.Is(err, identity.ErrInvalid) {
				return fmt.Errorf("line %d: %w", line, err)
			}
			noID++
			if firstErr == nil {
				firstErr = fmt.Errorf("line %d: %w", line, err)
			}
		}
	}
	if noID > 0 {
		fmt.Fprintf(s.err, "%d records not resolved (no usable identifier or no record id; customer_id left empty); first: %v\n", noID, firstErr)
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
