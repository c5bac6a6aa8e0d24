package match

import (
	"context"
	"slices"
	"testing"

	"github.com/cimkit/cimkit/internal/corrupt"
)

// withPostcodeCopies adds columns that postcode determines, so that an EM
// session blocked on postcode sees fields that agree on almost every pair.
func withPostcodeCopies(recs []Record) ([]string, []Record) {
	fields := append(slices.Clone(corrupt.Fields), "postcode_area", "postcode_zone")
	out := make([]Record, len(recs))
	for i, r := range recs {
		pc := r.Values[5]
		out[i] = Record{ID: r.ID, Values: append(slices.Clone(r.Values), pc, pc)}
	}
	return fields, out
}

func TestDependentFieldsLeftOut(t *testing.T) {
	_, recs := smallCorpus(t, 1500, 12)
	_, d, err := Train(context.Background(), febrlSettings("surname;postcode;date_of_birth"), recs, nil)
	if err != nil {
		t.Fatal(err)
	}
	if dep := d.Sessions[1].Dependent; !slices.Equal(dep, []string{"suburb", "state"}) {
		t.Errorf("postcode session left out %v, want suburb and state", dep)
	}
	if len(d.Sessions[0].Dependent) != 0 || len(d.Sessions[2].Dependent) != 0 {
		t.Errorf("unexpected exclusions: %s", d)
	}
}

// TestDegenerateSessionDropped keeps fields the rule determines in the
// session: EM then explains the always-agreeing copies by calling nearly
// every pair a match, and the session is dropped as implying more matches
// than there are candidate pairs.
func TestDegenerateSessionDropped(t *testing.T) {
	_, recs := smallCorpus(t, 1500, 12)
	fields, recs := withPostcodeCopies(recs)
	s := febrlSettings("surname;postcode;date_of_birth")
	s.Fields = fields
	s.Comparisons = append(s.Comparisons, DefaultComparison("postcode_area", ""), DefaultComparison("postcode_zone", ""))
	s.keepDependent = true
	m, d, err := Train(context.Background(), s, recs, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d.Sessions[1].Failure == "" || d.Sessions[0].Failure != "" || d.Sessions[2].Failure != "" {
		t.Fatalf("want only the postcode session dropped: %s", d)
	}
	if l := m.Lambda(); !(l > 0 && l < 0.01) {
		t.Errorf("λ %v", l)
	}
}
