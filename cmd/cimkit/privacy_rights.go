package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/cimkit/cimkit/customer"
	"github.com/cimkit/cimkit/identity"
	"github.com/cimkit/cimkit/memstore"
	"github.com/google/uuid"
)

// rightsHelp explains what export and erase work on; printed by -h.
const rightsHelp = `
Works on a CSV of customer source records (one row per channel record, a
header row, the same columns as cimkit resolve). The rows are resolved into
customers in memory exactly as customer.Service.Ingest does; the subject is
named by the id of any one of their records (-record), never by a phone or
name on the command line.

export writes everything the file holds about the subject as JSON: the
golden profile, every source record (values given, identifiers masked) and
the merges that joined them, each item marked "provided" or "derived".

erase removes the subject and everyone merged with them: -out receives the
input CSV without their rows (all columns kept, other rows untouched), the
receipt goes to -receipt, and the tombstones (SHA-256 hashes of record ids
and identifier tokens, no plaintext) are written to -tombstones. Give the
same -tombstones file to later runs of export or erase over a fresh copy
of the records: rows of erased people are refused and dropped instead of
bringing them back. Tokens here are unkeyed (identity.PlainTokenizer), so
whoever holds the tombstone file can test whether a guessed phone or email
was erased; keep it as confidential as the records. There is no key to
shred in a CSV: the receipt says key_shredded false.
`

type recordCols struct {
	in, id, channel, phone, device, email, member, name, time, tombstones, at *string
}

func addRecordFlags(fs *flag.FlagSet) recordCols {
	return recordCols{
		in:         fs.String("in", "", "input CSV of source records with a header row (required)"),
		id:         fs.String("id", "", "column holding the record id (required)"),
		channel:    fs.String("channel", "", "column holding the channel (default: every row is \"import\")"),
		phone:      fs.String("phone", "", "column holding the phone number"),
		device:     fs.String("device", "", "column holding the device fingerprint"),
		email:      fs.String("email", "", "column holding the email address"),
		member:     fs.String("member", "", "column holding the member id"),
		name:       fs.String("name", "", "column holding the name"),
		time:       fs.String("time", "", "column holding when the record was seen (RFC 3339 or YYYY-MM-DD[ HH:MM:SS])"),
		tombstones: fs.String("tombstones", "", "tombstone file (JSON lines) of earlier erasures; erase rewrites it"),
		at:         fs.String("at", "", "time of the operation, RFC 3339 (default: now)"),
	}
}

// dataset is a records CSV resolved in memory.
type dataset struct {
	st      *memstore.Store
	svc     *customer.Service
	header  []string
	rows    [][]string
	ids     []string
	refused []bool // ingest refused the row as a record of an erased person
	loaded  []identity.Tombstone
	at      time.Time
}

func loadDataset(s stdio, c recordCols) (*dataset, error) {
	if *c.in == "" || *c.id == "" {
		return nil, fmt.Errorf("%w: -in and -id are required", errUsage)
	}
	ds := &dataset{st: memstore.New(), at: time.Now().UTC()}
	if *c.at != "" {
		t, err := time.Parse(time.RFC3339, *c.at)
		if err != nil {
			return nil, fmt.Errorf("%w: -at: want RFC 3339", errUsage)
		}
		ds.at = t.UTC()
	}
	f, err := os.Open(*c.in)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.FieldsPerRecord = -1
	if ds.header, err = cr.Read(); err != nil {
		return nil, fmt.Errorf("read header: %w", err)
	}
	col := map[string]int{}
	for i, h := range ds.header {
		col[strings.TrimPrefix(strings.TrimSpace(h), "\ufeff")] = i
	}
	for flagName, name := range map[string]string{"-id": *c.id, "-channel": *c.channel, "-phone": *c.phone, "-device": *c.device,
		"-email": *c.email, "-member": *c.member, "-name": *c.name, "-time": *c.time} {
		if _, ok := col[name]; name != "" && !ok {
			return nil, fmt.Errorf("%w: %s: no column %q in the header", errUsage, flagName, name)
		}
	}
	if *c.phone == "" && *c.device == "" && *c.email == "" && *c.member == "" {
		return nil, fmt.Errorf("%w: give at least one identifier column (-phone, -device, -email, -member)", errUsage)
	}
	if *c.tombstones != "" {
		if ds.loaded, err = readTombstones(*c.tombstones); err != nil {
			return nil, err
		}
		if err := ds.st.PutTombstones(context.Background(), ds.loaded); err != nil {
			return nil, err
		}
	}
	n := 0
	ds.svc = customer.New(ds.st, &customer.Options{Now: func() time.Time { return ds.at }, NewID: func() uuid.UUID {
		n++
		return uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "cimkit-privacy/%d", n))
	}})
	ctx := context.Background()
	other, line := 0, 1
	for {
		row, err := cr.Read()
		line++
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read line %d: %w", line, err)
		}
		get := func(name string) string {
			if i, ok := col[name]; ok && name != "" && i < len(row) {
				return row[i]
			}
			return ""
		}
		src := customer.SourceRecord{ID: get(*c.id), Channel: customer.ChannelImport, Name: get(*c.name), Phone: get(*c.phone),
			Email: get(*c.email), Device: get(*c.device), MemberID: get(*c.member), At: ds.at}
		if ch := get(*c.channel); ch != "" {
			src.Channel = customer.Channel(ch)
		}
		if t, ok := parseTime(get(*c.time)); ok {
			src.At = t
		}
		_, err = ds.svc.Ingest(ctx, src)
		ds.rows, ds.ids = append(ds.rows, row), append(ds.ids, src.ID)
		ds.refused = append(ds.refused, errors.Is(err, identity.ErrErased))
		if err != nil && !errors.Is(err, identity.ErrErased) {
			other++
		}
	}
	if k := countTrue(ds.refused); k > 0 {
		fmt.Fprintf(s.err, "%d rows refused: records of erased people (tombstoned)\n", k)
	}
	if other > 0 {
		fmt.Fprintf(s.err, "%d rows not resolved (no usable identifier or invalid); they are kept as they are\n", other)
	}
	return ds, nil
}

func countTrue(bs []bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

// subject returns the customer holding the record id.
func (ds *dataset) subject(record string) (uuid.UUID, error) {
	if i := slices.Index(ds.ids, record); i >= 0 && ds.refused[i] {
		return uuid.Nil, fmt.Errorf("-record: that record belongs to a person already erased: %w", customer.ErrNotFound)
	}
	recs, err := ds.st.IdentityRecords(context.Background(), []string{record})
	if err != nil {
		return uuid.Nil, err
	}
	if len(recs) == 0 {
		return uuid.Nil, fmt.Errorf("-record: no resolved record with that id: %w", customer.ErrNotFound)
	}
	return recs[0].CustomerID, nil
}

func readTombstones(path string) ([]identity.Tombstone, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []identity.Tombstone
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var t identity.Tombstone
		if err := json.Unmarshal(sc.Bytes(), &t); err != nil || len(t.Hash) != 64 {
			return nil, fmt.Errorf("tombstones line %d: not a tombstone", n)
		}
		out = append(out, t)
	}
	return out, sc.Err()
}

func writeFileOrStdout(s stdio, path string, write func(io.Writer) error) error {
	if path == "-" {
		return write(s.out)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func runPrivacyExport(s stdio, args []string) error {
	fs := newFlagSet(s, "privacy export", "-in records.csv -id COL [-phone COL] [-email COL] [-device COL] [-member COL] [-name COL] [-time COL] [-channel COL] [-tombstones FILE] -record ID -out export.json")
	cols := addRecordFlags(fs)
	record := fs.String("record", "", "id of any one record of the person (required)")
	out := fs.String("out", "-", "output JSON file, - for standard output")
	usage := fs.Usage
	fs.Usage = func() { usage(); fmt.Fprint(s.err, rightsHelp) }
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *record == "" {
		return fmt.Errorf("%w: -record is required", errUsage)
	}
	ds, err := loadDataset(s, cols)
	if err != nil {
		return err
	}
	cid, err := ds.subject(*record)
	if err != nil {
		return err
	}
	ex, err := customer.NewRights(ds.svc, nil).Export(context.Background(), cid)
	if err != nil {
		return err
	}
	return writeFileOrStdout(s, *out, ex.WriteJSON)
}

func runPrivacyErase(s stdio, args []string) error {
	fs := newFlagSet(s, "privacy erase", "-in records.csv -id COL [-phone COL] [-email COL] [-device COL] [-member COL] [-name COL] [-time COL] [-channel COL] -tombstones FILE -record ID -reason TEXT -out kept.csv [-receipt receipt.json]")
	cols := addRecordFlags(fs)
	record := fs.String("record", "", "id of any one record of the person (required)")
	reason := fs.String("reason", "", "why, e.g. the request's ticket number; no personal data (required)")
	out := fs.String("out", "", "output CSV: the input without the erased person's rows (required)")
	receipt := fs.String("receipt", "-", "receipt JSON file, - for standard output")
	usage := fs.Usage
	fs.Usage = func() { usage(); fmt.Fprint(s.err, rightsHelp) }
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *record == "" || *reason == "" || *out == "" || *cols.tombstones == "" {
		return fmt.Errorf("%w: -record, -reason, -out and -tombstones are required", errUsage)
	}
	ds, err := loadDataset(s, cols)
	if err != nil {
		return err
	}
	cid, err := ds.subject(*record)
	if err != nil {
		return err
	}
	ctx := context.Background()
	rc, err := customer.NewRights(ds.svc, nil).Erase(ctx, cid, *reason)
	if err != nil {
		return err
	}
	// Every row of the person is either tombstoned by record id or was
	// refused at ingest because it carries an erased identifier.
	cw, kept := [][]string{ds.header}, 0
	for i, row := range ds.rows {
		ts, err := ds.st.Tombstones(ctx, []string{identity.TombstoneHash(identity.TombstoneRecord, ds.ids[i])})
		if err != nil {
			return err
		}
		if ds.refused[i] || len(ts) > 0 {
			continue
		}
		cw = append(cw, row)
		kept++
	}
	if err := writeFileOrStdout(s, *out, func(w io.Writer) error {
		c := csv.NewWriter(w)
		if err := c.WriteAll(cw); err != nil {
			return err
		}
		return c.Error()
	}); err != nil {
		return err
	}
	mine, err := ds.st.CustomerTombstones(ctx, cid)
	if err != nil {
		return err
	}
	all := append(slices.Clone(ds.loaded), mine...)
	slices.SortStableFunc(all, func(a, b identity.Tombstone) int { return strings.Compare(a.Hash, b.Hash) })
	all = slices.CompactFunc(all, func(a, b identity.Tombstone) bool { return a.Hash == b.Hash })
	if err := writeFileOrStdout(s, *cols.tombstones, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		for _, t := range all {
			if err := enc.Encode(t); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return err
	}
	fmt.Fprintf(s.err, "erased 1 person (%d source records, %d identifier tokens); kept %d of %d rows in %s; %d tombstones in %s\n",
		rc.SourceRecords, rc.IdentifierTokens, kept, len(ds.rows), *out, len(all), *cols.tombstones)
	return writeFileOrStdout(s, *receipt, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rc)
	})
}
