package identity_test

import (
	"testing"
	"time"

	"github.com/cimkit/cimkit/identity"
)

func TestSurvivorshipStrategies(t *testing.T) {
	at := func(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }
	recs := []identity.StoredRecord{
		{ID: "r1", Channel: "import", At: at(1), Fields: map[string]string{"f": "张三丰"}},
		{ID: "r2", Channel: "store_pos", At: at(2), Fields: map[string]string{"f": "张三"}},
		{ID: "r3", Channel: "app", At: at(3), Fields: map[string]string{"f": "张三"}},
		{ID: "r4", Channel: "web", At: at(4), Fields: map[string]string{"f": "张"}},
		{ID: "r5", Channel: "web", At: at(5), Fields: map[string]string{"f": ""}}, // empty never wins
	}
	cases := []struct {
		st         identity.Strategy
		value, rec string
	}{
		{identity.MostRecent, "张", "r4"},
		{identity.MostTrusted, "张三", "r2"},
		{identity.MostFrequent, "张三", "r3"}, // tie on frequency broken by most recent
		{identity.Longest, "张三丰", "r1"},
	}
	for _, tc := range cases {
		s := &identity.Survivorship{Default: tc.st, Trust: []string{"store_pos", "app", "web"}}
		// The result must not depend on record order.
		for _, order := range [][]int{{0, 1, 2, 3, 4}, {4, 3, 2, 1, 0}, {2, 0, 4, 1, 3}} {
			var in []identity.StoredRecord
			for _, i := range order {
				in = append(in, recs[i])
			}
			got := s.Golden(in)["f"]
			if got.Value != tc.value || got.Record != tc.rec {
				t.Errorf("%s (order %v): got %q from %s, want %q from %s", tc.st, order, got.Value, got.Record, tc.value, tc.rec)
			}
		}
	}
}
