package main

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// pairScores counts the record pairs sharing a customer (pred) and those
// of them that are one person (tp), from resolve's clusters output.
func pairScores(t *testing.T, path string) (tp, pred int) {
	t.Helper()
	by := map[string][]string{}
	for _, r := range readCSV(t, path)[1:] {
		if r[1] != "" {
			by[r[1]] = append(by[r[1]], r[0])
		}
	}
	for _, recs := range by {
		for i := range recs {
			for j := i + 1; j < len(recs); j++ {
				pred++
				if entityOf(recs[i]) == entityOf(recs[j]) {
					tp++
				}
			}
		}
	}
	return tp, pred
}

func TestResolveWithModel(t *testing.T) {
	dir := t.TempDir()
	in, model := filepath.Join(dir, "people.csv"), filepath.Join(dir, "model.json")
	ps := people(t)
	// The generated people plus an (empty) device column resolve needs.
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write(append([]string{"rec_id", "device_id"}, strings.Split(matchFields, ",")...))
	truePairs := map[string]int{}
	for _, p := range ps {
		_ = w.Write(append([]string{p.RecordID, ""}, p.Values...))
		truePairs[entityOf(p.RecordID)]++
	}
	w.Flush()
	if err := os.WriteFile(in, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	all := 0
	for _, n := range truePairs {
		all += n * (n - 1) / 2
	}
	var so, se bytes.Buffer
	if code := run(stdio{nil, &so, &se}, []string{"match", "-in", in, "-id", "rec_id", "-fields", "given_name,surname,date_of_birth,postcode,address_1,street_number",
		"-block", "surname;postcode;date_of_birth", "-out", filepath.Join(dir, "pairs.csv"), "-save-model", model}); code != 0 {
		t.Fatalf("match: exit %d: %s", code, se.String())
	}
	base := []string{"resolve", "-in", in, "-id", "rec_id", "-phone", "phone", "-device", "device_id"}
	plain, prob := filepath.Join(dir, "plain.csv"), filepath.Join(dir, "prob.csv")
	se.Reset()
	if code := run(stdio{nil, &so, &se}, append(base, "-out", plain)); code != 0 {
		t.Fatalf("resolve: exit %d: %s", code, se.String())
	}
	se.Reset()
	if code := run(stdio{nil, &so, &se}, append(base, "-model", model, "-threshold", "0.95", "-review", "0.5", "-out", prob)); code != 0 {
		t.Fatalf("resolve -model: exit %d: %s", code, se.String())
	}
	if !strings.Contains(se.String(), "probable links:") || !strings.Contains(se.String(), "suggestions at or above 0.5") {
		t.Errorf("no probable summary: %s", se.String())
	}
	tp0, pred0 := pairScores(t, plain)
	tp1, pred1 := pairScores(t, prob)
	t.Logf("phone only: %d/%d pairs right, recall %.3f; with model: %d/%d right, recall %.3f (of %d true pairs)",
		tp0, pred0, float64(tp0)/float64(all), tp1, pred1, float64(tp1)/float64(all), all)
	if pred1 == 0 || float64(tp1)/float64(pred1) < 0.95 {
		t.Errorf("precision with the model %d/%d, want >= 0.95", tp1, pred1)
	}
	if float64(tp1)/float64(all) < float64(tp0)/float64(all)+0.2 {
		t.Errorf("recall with the model %d/%d, without %d/%d: want a clear gain", tp1, all, tp0, all)
	}
	if rows := readCSV(t, prob); len(rows) != len(ps)+1 {
		t.Fatalf("%d rows, want %d", len(rows)-1, len(ps))
	}
	// -explain of a record only the model joined shows the probable link.
	rows, rows0 := readCSV(t, prob), readCSV(t, plain)
	count, count0 := map[string]int{}, map[string]int{}
	for i, r := range rows[1:] {
		count[r[1]]++
		count0[rows0[i+1][1]]++
	}
	found := false
	for i, r := range rows[1:] {
		if count[r[1]] > 1 && count0[rows0[i+1][1]] == 1 {
			found = true
			so.Reset()
			if code := run(stdio{nil, &so, &se}, append(base, "-model", model, "-explain", r[0])); code != 0 {
				t.Fatalf("explain: %s", se.String())
			}
			if !strings.Contains(so.String(), "by probable: linked (p=") {
				t.Errorf("explanation lacks the probable link:\n%s", so.String())
			}
			break
		}
	}
	if !found {
		t.Error("no record joined by the model alone")
	}
	for _, args := range [][]string{
		append(base, "-model", filepath.Join(dir, "missing.json"), "-out", prob),
		append(base, "-model", in, "-out", prob),
		append(base, "-model", model, "-threshold", "0", "-out", prob),
		append(base, "-model", model, "-review", "0.99", "-out", prob),
		{"resolve", "-in", plain, "-id", "record_id", "-phone", "customer_id", "-device", "customer_id", "-model", model, "-out", prob},
	} {
		if code := run(stdio{nil, &so, &se}, args); code == 0 {
			t.Errorf("%v: exit 0", args)
		}
	}
}
