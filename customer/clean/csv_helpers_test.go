package clean

import (
	"encoding/csv"
	"os"
	"sync"
	"testing"
)

var testCSVCache sync.Map

func readTestCSV(t *testing.T, path string) [][]string {
	t.Helper()
	if v, ok := testCSVCache.Load(path); ok {
		return v.([][]string)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	testCSVCache.Store(path, recs[1:])
	return recs[1:]
}

func readTestName(t *testing.T, path, code string) string {
	t.Helper()
	for _, rec := range readTestCSV(t, path) {
		if rec[0] == code {
			return rec[1]
		}
	}
	t.Fatalf("%s: no code %s", path, code)
	return ""
}
