package match

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestModelJSONRoundTrip(t *testing.T) {
	_, recs := smallCorpus(t, 300, 9)
	m, _, err := Train(context.Background(), febrlSettings("surname;postcode"), recs, nil)
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"Kind":"name_close"`) {
		t.Errorf("level kinds not saved by name")
	}
	m2, err := UnmarshalModel(data)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(recs); i += 3 {
		r1, r2 := m.Score(recs[i], recs[i+1]), m2.Score(recs[i], recs[i+1])
		if r1.Weight != r2.Weight || len(r1.Waterfall) != len(r2.Waterfall) {
			t.Fatalf("pair %d: weight %v after reload %v", i, r1.Weight, r2.Weight)
		}
	}
	// Corruptions are rejected with ErrInvalid.
	for name, edit := range map[string]func(string) string{
		"version":    func(s string) string { return strings.Replace(s, `"version":1`, `"version":2`, 1) },
		"kind":       func(s string) string { return strings.Replace(s, `"name_close"`, `"nearby"`, 1) },
		"lambda":     func(s string) string { return strings.Replace(s, `"lambda":`, `"lambda":7`, 1) },
		"truncated":  func(s string) string { return s[:len(s)/2] },
		"m sum":      func(s string) string { return strings.Replace(s, `"m":[[0,`, `"m":[[0,0.5,`, 1) },
		"no m":       func(s string) string { return strings.Replace(s, `"m":`, `"mm":`, 1) },
		"field gone": func(s string) string { return strings.Replace(s, `"given_name",`, ``, 1) },
	} {
		if _, err := UnmarshalModel([]byte(edit(string(data)))); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

func FuzzUnmarshalModel(f *testing.F) {
	_, recs := smallCorpus(f, 60, 10)
	s := febrlSettings("surname")
	s.Comparisons = s.Comparisons[:3]
	m, _, err := Train(context.Background(), s, recs, nil)
	if err != nil {
		f.Fatal(err)
	}
	data, _ := json.Marshal(m)
	f.Add(data)
	f.Add([]byte(`{"version":1}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := UnmarshalModel(data)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error not ErrInvalid: %v", err)
			}
			return
		}
		// A loaded model scores without panicking or NaN.
		r := Record{Values: make([]string, len(m.fields))}
		for i := range r.Values {
			r.Values[i] = "x"
		}
		res := m.Score(r, r)
		if res.Probability != res.Probability {
			t.Fatal("NaN probability")
		}
	})
}

func TestLevelKindText(t *testing.T) {
	for k := Exact; k <= lastKind; k++ {
		b, err := k.MarshalText()
		if err != nil {
			t.Fatalf("kind %d: %v", k, err)
		}
		var back LevelKind
		if err := back.UnmarshalText(b); err != nil || back != k || k.String() != string(b) {
			t.Fatalf("kind %d: round trip gave %d, %v", k, back, err)
		}
	}
	if _, err := LevelKind(0).MarshalText(); !errors.Is(err, ErrInvalid) {
		t.Errorf("kind 0 marshalled: %v", err)
	}
}
