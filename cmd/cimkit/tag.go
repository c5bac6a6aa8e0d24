package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"math"
	"os"
	"strconv"
	"time"

	"github.com/cimkit/cimkit/tagging"
	"github.com/shopspring/decimal"
)

const tagSynopsis = "-rules rules.json -in customers.jsonl -out tags.csv [-now RFC3339] | -check rules.json"

// runTag evaluates a rule set over customers, or checks a rule set.
//
// Input lines are JSON objects:
//
//	{"id": "c1", "gender": "f", "birth_date": "1990-11-27",
//	 "registered_at": "2025-01-01T00:00:00Z", "membership_level": "gold",
//	 "points": 1500, "attributes": {"city": "Shanghai"},
//	 "rfm": {"r": 5, "f": 4, "m": 4, "segment": "champions"},
//	 "tags": [{"name": "vip", "weight": 1, "source": "manual", "author": "ops",
//	           "expires_at": "2027-01-01T00:00:00Z"}],
//	 "orders": [{"time": "2026-11-01T10:00:00Z", "amount": "120.50", "categories": ["seafood"]}],
//	 "events": [{"type": "view", "time": "2026-11-20T08:00:00Z", "properties": {"category": "seafood"}}]}
func runTag(s stdio, args []string) error {
	fs := newFlagSet(s, "tag", tagSynopsis)
	rulesPath := fs.String("rules", "", "rule set JSON file")
	inPath := fs.String("in", "-", "customers JSONL file (- for stdin)")
	outPath := fs.String("out", "-", "output CSV file customer_id,tag,weight (- for stdout)")
	checkPath := fs.String("check", "", "validate this rule set and print its canonical JSON")
	nowFlag := fs.String("now", "", "evaluation instant, RFC 3339 (default: the current time)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *checkPath != "" {
		if *rulesPath != "" {
			return fmt.Errorf("%w: -check and -rules are exclusive", errUsage)
		}
		rs, err := loadRuleSet(*checkPath)
		if err != nil {
			return err
		}
		out, _ := rs.MarshalJSON()
		_, err = fmt.Fprintf(s.out, "%s\n", out)
		return err
	}
	if *rulesPath == "" {
		return fmt.Errorf("%w: -rules or -check is required", errUsage)
	}
	now := time.Now()
	if *nowFlag != "" {
		t, err := time.Parse(time.RFC3339, *nowFlag)
		if err != nil {
			return fmt.Errorf("%w: -now must be RFC 3339", errUsage)
		}
		now = t
	}
	rs, err := loadRuleSet(*rulesPath)
	if err != nil {
		return err
	}
	in := s.in
	if *inPath != "-" {
		f, err := os.Open(*inPath)
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	out := s.out
	var outFile *os.File
	if *outPath != "-" {
		outFile, err = os.Create(*outPath)
		if err != nil {
			return err
		}
		defer outFile.Close()
		out = outFile
	}
	if err := writeTags(rs, now, in, out); err != nil {
		return err
	}
	if outFile != nil {
		return outFile.Close()
	}
	return nil
}

func loadRuleSet(path string) (*tagging.RuleSet, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	rs, err := tagging.ParseRuleSet(data, nil)
	if err != nil {
		return nil, fmt.Errorf("%s:\n%w", path, err)
	}
	return rs, nil
}

func writeTags(rs *tagging.RuleSet, now time.Time, in io.Reader, out io.Writer) error {
	eng := tagging.NewEngine(rs, &tagging.Options{Clock: func() time.Time { return now }})
	w := csv.NewWriter(out)
	if err := w.Write([]string{"customer_id", "tag", "weight"}); err != nil {
		return err
	}
	var readErr error
	customers := readCustomers(in, &readErr)
	for r, err := range eng.EvaluateAll(context.Background(), customers) {
		if err != nil {
			return err
		}
		for _, t := range r.Tags {
			weight := strconv.FormatFloat(math.Round(t.Weight*1e6)/1e6, 'f', -1, 64)
			if err := w.Write([]string{r.CustomerID, t.Name, weight}); err != nil {
				return err
			}
		}
	}
	if readErr != nil {
		return readErr
	}
	w.Flush()
	return w.Error()
}

// readCustomers yields the customers of a JSONL stream; it stops at the
// first bad line and stores the error in *errp.
func readCustomers(in io.Reader, errp *error) iter.Seq[*tagging.Customer] {
	return func(yield func(*tagging.Customer) bool) {
		br := bufio.NewReaderSize(in, 1<<16)
		for line := 1; ; line++ {
			b, err := br.ReadBytes('\n')
			if len(bytes.TrimSpace(b)) > 0 {
				c, derr := decodeCustomer(b)
				if derr != nil {
					*errp = fmt.Errorf("input line %d: %w", line, derr)
					return
				}
				if !yield(c) {
					return
				}
			}
			if err == io.EOF {
				return
			}
			if err != nil {
				*errp = err
				return
			}
		}
	}
}

// errBadCustomer marks an input line that is not a valid customer.
var errBadCustomer = errors.New("invalid customer")

type jsonCustomer struct {
	ID              string            `json:"id"`
	Gender          string            `json:"gender"`
	BirthDate       string            `json:"birth_date"`
	RegisteredAt    string            `json:"registered_at"`
	MembershipLevel string            `json:"membership_level"`
	Points          int64             `json:"points"`
	Attributes      map[string]string `json:"attributes"`
	RFM             struct {
		R, F, M int
		Segment string
	} `json:"rfm"`
	Tags []struct {
		Name      string  `json:"name"`
		Weight    float64 `json:"weight"`
		Source    string  `json:"source"`
		Author    string  `json:"author"`
		At        string  `json:"at"`
		ExpiresAt string  `json:"expires_at"`
	} `json:"tags"`
	Orders []struct {
		Time       string          `json:"time"`
		Amount     decimal.Decimal `json:"amount"`
		Categories []string        `json:"categories"`
	} `json:"orders"`
	Events []struct {
		Type       string            `json:"type"`
		Time       string            `json:"time"`
		Properties map[string]string `json:"properties"`
	} `json:"events"`
}

func decodeCustomer(b []byte) (*tagging.Customer, error) {
	var j jsonCustomer
	if err := json.Unmarshal(b, &j); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return nil, fmt.Errorf("%w: field %s has the wrong type", errBadCustomer, te.Field)
		}
		return nil, fmt.Errorf("%w: malformed JSON", errBadCustomer)
	}
	if j.ID == "" {
		return nil, fmt.Errorf("%w: missing id", errBadCustomer)
	}
	var errs []error
	tm := func(field, v string) time.Time {
		if v == "" {
			return time.Time{}
		}
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			t, err = time.Parse(time.DateOnly, v)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%w: %s is not an RFC 3339 time or a date", errBadCustomer, field))
		}
		return t
	}
	c := &tagging.Customer{
		ID: j.ID, Gender: j.Gender, MembershipLevel: j.MembershipLevel, Points: j.Points,
		BirthDate: tm("birth_date", j.BirthDate), RegisteredAt: tm("registered_at", j.RegisteredAt),
		Attributes: j.Attributes,
		RFM:        tagging.RFM{R: j.RFM.R, F: j.RFM.F, M: j.RFM.M, Segment: j.RFM.Segment},
	}
	for i, t := range j.Tags {
		p := "tags[" + strconv.Itoa(i) + "]"
		c.Tags = append(c.Tags, tagging.TagValue{Name: t.Name, Weight: t.Weight, Source: t.Source, Author: t.Author,
			At: tm(p+".at", t.At), ExpiresAt: tm(p+".expires_at", t.ExpiresAt)})
	}
	for i, o := range j.Orders {
		p := "orders[" + strconv.Itoa(i) + "]"
		minor := o.Amount.Shift(2)
		if !minor.IsInteger() || minor.Abs().GreaterThan(decimal.New(math.MaxInt64/2, 0)) {
			errs = append(errs, fmt.Errorf("%w: %s.amount needs at most 2 decimals", errBadCustomer, p))
		}
		c.Orders = append(c.Orders, tagging.Order{Time: tm(p+".time", o.Time), Amount: minor.IntPart(), Categories: o.Categories})
	}
	for i, e := range j.Events {
		c.Events = append(c.Events, tagging.Event{Type: e.Type, Time: tm("events["+strconv.Itoa(i)+"].time", e.Time), Properties: e.Properties})
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return c, nil
}
