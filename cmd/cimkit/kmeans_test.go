package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// kmeansCSV writes three well-separated groups of 40 customers.
func kmeansCSV(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("id,r,f,m,note\n")
	for i := 0; i < 120; i++ {
		g := i % 3
		r := []int{5, 90, 300}[g] + i%7
		f := []int{12, 4, 1}[g] + i%3
		m := []float64{900, 200, 30}[g] + float64(i%11)
		fmt.Fprintf(&b, "c%d,%d,%d,%g,x\n", i, r, f, m)
	}
	p := filepath.Join(t.TempDir(), "features.csv")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestKMeansCommand(t *testing.T) {
	in := kmeansCSV(t)
	out := filepath.Join(t.TempDir(), "labels.csv")
	code, stdout, stderr := runArgs("kmeans", "-in", in, "-cols", "r,f,m", "-k", "3", "-seed", "1", "-out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"inertia ", "iterations ", "cluster  size  r", "Champions", "Lost"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if lines[0] != "row,label" || len(lines) != 121 {
		t.Fatalf("labels file: header %q, %d lines", lines[0], len(lines))
	}
	// rows of the same planted group share a label, different groups differ
	lab := map[int]string{}
	for i, l := range lines[1:] {
		row, label, _ := strings.Cut(l, ",")
		if row != fmt.Sprint(i) {
			t.Fatalf("row column %q at %d", row, i)
		}
		if prev, ok := lab[i%3]; ok && prev != label {
			t.Fatalf("group %d split across labels", i%3)
		}
		lab[i%3] = label
	}
	if lab[0] == lab[1] || lab[1] == lab[2] || lab[0] == lab[2] {
		t.Fatalf("groups merged: %v", lab)
	}
}

func TestKMeansCommandInitCenters(t *testing.T) {
	in := kmeansCSV(t)
	dir := t.TempDir()
	initPath := filepath.Join(dir, "centers.csv")
	os.WriteFile(initPath, []byte("m,f,r\n30,1,300\n900,12,5\n200,4,90\n"), 0o644)
	out := filepath.Join(dir, "labels.csv")
	code, stdout, stderr := runArgs("kmeans", "-in", in, "-cols", "r,f,m", "-k", "3", "-init", initPath, "-scale", "minmax", "-out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	b, _ := os.ReadFile(out)
	// with these centres, planted group 0 (r≈5) must be cluster 1
	if !strings.HasPrefix(string(b), "row,label\n0,1\n1,2\n2,0\n") {
		t.Fatalf("labels %q\n%s", string(b)[:40], stdout)
	}
}

func TestKMeansChooseK(t *testing.T) {
	in := kmeansCSV(t)
	code, stdout, stderr := runArgs("kmeans", "-in", in, "-cols", "r,f,m", "-choose-k", "2..5")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "silhouette") || !strings.Contains(stdout, "best silhouette k=3") {
		t.Fatalf("table:\n%s", stdout)
	}
}

func TestKMeansCommandErrors(t *testing.T) {
	in := kmeansCSV(t)
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("r,f,m\n1,2,3\n4,x,6\n"), 0o644)
	nan := filepath.Join(dir, "nan.csv")
	os.WriteFile(nan, []byte("r,f,m\n1,2,3\n4,NaN,6\n"), 0o644)
	constant := filepath.Join(dir, "const.csv")
	os.WriteFile(constant, []byte("r,f\n1,5\n2,5\n3,5\n"), 0o644)
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no k", []string{"-in", in, "-cols", "r,f,m", "-out", filepath.Join(dir, "o.csv")}, 2, "-k"},
		{"bad scale", []string{"-in", in, "-cols", "r", "-k", "2", "-out", "o", "-scale", "log"}, 2, "-scale"},
		{"bad range", []string{"-in", in, "-cols", "r", "-choose-k", "5..2"}, 2, "-choose-k"},
		{"missing column", []string{"-in", in, "-cols", "r,zz", "-k", "2", "-out", filepath.Join(dir, "o.csv")}, 1, `column "zz"`},
		{"not a number", []string{"-in", bad, "-cols", "r,f,m", "-k", "1", "-out", filepath.Join(dir, "o.csv")}, 1, `row 2 column "f": not a number`},
		{"NaN", []string{"-in", nan, "-cols", "r,f,m", "-k", "1", "-out", filepath.Join(dir, "o.csv")}, 1, `row 2 column "f"`},
		{"too many clusters", []string{"-in", in, "-cols", "r,f,m", "-k", "200", "-out", filepath.Join(dir, "o.csv")}, 1, "clusters"},
		{"constant under zscore", []string{"-in", constant, "-cols", "r,f", "-k", "1", "-out", filepath.Join(dir, "o.csv")}, 1, "column 1: column is constant"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := runArgs(append([]string{"kmeans"}, c.args...)...)
			if code != c.code || !strings.Contains(stderr, c.want) {
				t.Fatalf("exit %d stderr %q; want exit %d containing %q", code, stderr, c.code, c.want)
			}
		})
	}
}

func FuzzReadFeatures(f *testing.F) {
	f.Add("r,f,m\n1,2,3\n4,5,6\n")
	f.Add("\ufeffm,r,f\n1e3,-2,0.5\n")
	f.Add("r,f\n\"1\",2\n3\n")
	f.Add("r,f,m\nNaN,Inf,-Inf\n")
	f.Fuzz(func(t *testing.T, s string) {
		m, err := readFeatures(strings.NewReader(s), []string{"r", "f"})
		if err != nil {
			return
		}
		if m.Rows < 1 || m.Cols != 2 || len(m.Data) != m.Rows*2 {
			t.Fatalf("bad matrix %d×%d len %d", m.Rows, m.Cols, len(m.Data))
		}
		_ = errors.Is(err, errBadCSV)
	})
}
