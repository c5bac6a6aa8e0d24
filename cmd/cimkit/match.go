package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/cimkit/cimkit/identity/match"
)

const matchSynopsis = `-in a.csv [-in2 b.csv] -id COL -fields F1,F2,... -block "R1;R2+R3" [-threshold 0.9] [-out pairs.csv] [-clusters clusters.csv] [-save-model model.json]

Probabilistic record linkage (Fellegi-Sunter, trained by EM as in Splink).
Without -in2 the records of -in are deduplicated; with -in2 records of -in
are linked to records of -in2. Both files are CSV with a header row.

-block lists blocking rules: ";" separates rules, which are OR-ed, and "+"
joins columns within a rule, which must all agree: "surname;postcode+state"
pairs records with the same surname or with the same postcode and state.

Each field is compared by a default chosen from its name: names
(given_name, surname, first_name, ...) by exact / reordered / swapped with
the other name field / Jaro-Winkler levels with term-frequency adjustment,
Han names by characters; dates (date_of_birth, dob, *date*) by exact /
day-month transposed / within 1 month / 1 year / 10 years; phones by digit
edit distance 0, 1, 2; postcodes by exact / Levenshtein 1 / 2; numbers
(street_number) by exact / Damerau 1; state, suburb, city by exact /
Jaro-Winkler 0.9; anything else by exact / Jaro-Winkler 0.92, 0.8 / Damerau 2.

-out gets id_a,id_b,probability for pairs at or above -threshold;
-clusters gets record_id,entity_id, entities being connected components of
those pairs. -save-model writes the trained model as JSON, for
"cimkit resolve -model". Training diagnostics go to standard error.`

func runMatch(s stdio, args []string) error {
	fs := newFlagSet(s, "match", matchSynopsis)
	in := fs.String("in", "", "CSV file of records (required)")
	in2 := fs.String("in2", "", "second CSV file: link -in to it instead of deduplicating -in")
	idCol := fs.String("id", "", "column holding the record id (required)")
	fieldList := fs.String("fields", "", "comma-separated columns to compare (required)")
	block := fs.String("block", "", `blocking rules: ";" between rules, "+" between columns of one rule (required)`)
	threshold := fs.Float64("threshold", 0.9, "match probability at or above which a pair is written and linked")
	out := fs.String("out", "", "pairs CSV output (default standard output)")
	clusters := fs.String("clusters", "", "clusters CSV output (optional)")
	seed := fs.Uint64("seed", 1, "seed of the random pair sample for u probabilities")
	maxPairs := fs.Int64("max-pairs", 20_000_000, "refuse blocking rules that generate more candidate pairs")
	saveModel := fs.String("save-model", "", "write the trained model as JSON to this file (for resolve -model)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *in == "" || *idCol == "" || *fieldList == "" || *block == "" {
		return fmt.Errorf("%w: -in, -id, -fields and -block are required", errUsage)
	}
	if !(*threshold >= 0 && *threshold <= 1) {
		return fmt.Errorf("%w: -threshold must be in [0, 1]", errUsage)
	}
	if *maxPairs <= 0 {
		return fmt.Errorf("%w: -max-pairs must be positive", errUsage)
	}
	rules, err := match.ParseRules(*block)
	if err != nil {
		return fmt.Errorf("%w: -block: %v", errUsage, err)
	}
	compared := splitList(*fieldList)
	if len(compared) == 0 {
		return fmt.Errorf("%w: -fields is empty", errUsage)
	}
	// Record fields: the compared ones, then block-only columns.
	fields := slices.Clone(compared)
	for _, r := range rules {
		for _, c := range r.Columns {
			if !slices.Contains(fields, c) {
				fields = append(fields, c)
			}
		}
	}
	a, err := readTable(*in, *idCol, fields)
	if err != nil {
		return err
	}
	var b []match.Record
	if *in2 != "" {
		if b, err = readTable(*in2, *idCol, fields); err != nil {
			return err
		}
	}
	settings := match.Settings{Fields: fields, Blocking: rules, Seed: *seed, MaxPairs: *maxPairs}
	for _, f := range compared {
		settings.Comparisons = append(settings.Comparisons, match.DefaultComparison(f, otherName(f, compared)))
	}
	ctx := context.Background()
	model, diag, err := match.Train(ctx, settings, a, b)
	if err != nil {
		return err
	}
	fmt.Fprint(s.err, diag)
	if *saveModel != "" {
		data, err := json.Marshal(model)
		if err != nil {
			return err
		}
		if err := os.WriteFile(*saveModel, data, 0o644); err != nil {
			return err
		}
	}
	pairs, err := model.Predict(ctx, a, b, *threshold)
	if err != nil {
		return err
	}
	if err := writeCSV(s, *out, func(w *csv.Writer) error {
		if err := w.Write([]string{"id_a", "id_b", "probability"}); err != nil {
			return err
		}
		for _, p := range pairs {
			if err := w.Write([]string{p.IDA, p.IDB, strconv.FormatFloat(p.Probability, 'f', 6, 64)}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return err
	}
	if *clusters == "" {
		return nil
	}
	ids, err := model.Cluster(a, b, pairs, match.ClusterOptions{Threshold: *threshold})
	if err != nil {
		return err
	}
	all := append(slices.Clone(a), b...)
	return writeCSV(s, *clusters, func(w *csv.Writer) error {
		if err := w.Write([]string{"record_id", "entity_id"}); err != nil {
			return err
		}
		for i, r := range all {
			if err := w.Write([]string{r.ID, strconv.Itoa(ids[i])}); err != nil {
				return err
			}
		}
		return nil
	})
}

// otherName pairs given-name and surname columns for the swapped-names
// level.
func otherName(f string, fields []string) string {
	pairs := [][2]string{{"given_name", "surname"}, {"first_name", "last_name"}, {"firstname", "lastname"}, {"given_name", "family_name"}}
	for _, p := range pairs {
		for k := 0; k < 2; k++ {
			if f == p[k] && slices.Contains(fields, p[1-k]) {
				return p[1-k]
			}
		}
	}
	return ""
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// errTable marks a malformed input table.
var errTable = errors.New("bad table")

func readTable(path, idCol string, fields []string) ([]match.Record, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	recs, err := parseTable(f, idCol, fields)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return recs, nil
}

// parseTable reads a CSV with a header row into records holding fields in
// order. Errors name columns and line numbers, never values.
func parseTable(r io.Reader, idCol string, fields []string) ([]match.Record, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("%w: empty file", errTable)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: header: %v", errTable, csvErrNoValue(err))
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff")
	}
	col := func(name string) (int, error) {
		i := slices.Index(header, name)
		if i < 0 {
			return 0, fmt.Errorf("%w: no column %q", errTable, name)
		}
		return i, nil
	}
	idIdx, err := col(idCol)
	if err != nil {
		return nil, err
	}
	idx := make([]int, len(fields))
	for k, f := range fields {
		if idx[k], err = col(f); err != nil {
			return nil, err
		}
	}
	var recs []match.Record
	for line := 2; ; line++ {
		row, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", errTable, csvErrNoValue(err))
		}
		if len(row) != len(header) {
			return nil, fmt.Errorf("%w: line %d has %d columns, header has %d", errTable, line, len(row), len(header))
		}
		vals := make([]string, len(fields))
		for k, i := range idx {
			vals[k] = row[i]
		}
		recs = append(recs, match.Record{ID: row[idIdx], Values: vals})
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("%w: no records", errTable)
	}
	return recs, nil
}

// csvErrNoValue keeps the position and kind of a CSV parse error.
func csvErrNoValue(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("line %d column %d: %v", pe.Line, pe.Column, pe.Err)
	}
	return err
}

func writeCSV(s stdio, path string, fill func(*csv.Writer) error) (err error) {
	var w io.Writer = s.out
	if path != "" {
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		defer func() {
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}()
		w = f
	}
	cw := csv.NewWriter(w)
	if err := fill(cw); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}
