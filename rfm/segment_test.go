package rfm

import (
	"errors"
	"strings"
	"testing"
)

func TestBuiltInTables(t *testing.T) {
	d := DefaultTable()
	want := []string{"Champions", "Loyal", "Potential Loyalist", "New", "Promising", "Need Attention",
		"About to Sleep", "At Risk", "Can't Lose", "Hibernating", "Lost"}
	if strings.Join(d.Segments(), "|") != strings.Join(want, "|") {
		t.Fatalf("segments = %v", d.Segments())
	}
	s := &Scores{Bins: 5,
		R: []uint8{5, 5, 1, 1, 2, 3, 4},
		F: []uint8{5, 1, 5, 1, 1, 3, 1},
		M: []uint8{1, 5, 5, 3, 2, 1, 4}}
	seg, err := d.Assign(s)
	if err != nil {
		t.Fatal(err)
	}
	names := d.Segments()
	got := []string{}
	for _, k := range seg {
		got = append(got, names[k])
	}
	if strings.Join(got, "|") != "Champions|New|Can't Lose|Lost|Hibernating|Need Attention|Promising" {
		t.Fatalf("got %v", got)
	}
	s3 := &Scores{Bins: 3, R: []uint8{1}, F: []uint8{1}, M: []uint8{1}}
	if _, err := d.Assign(s3); !errors.Is(err, ErrInvalid) {
		t.Fatal("bins mismatch accepted")
	}

	cn := CN8Table()
	// means: R 3, F 3, M 3 (scores 1 and 5)
	sc := &Scores{Bins: 5, R: []uint8{5, 1, 5, 1}, F: []uint8{5, 1, 1, 5}, M: []uint8{5, 1, 1, 5}}
	seg, err = cn.Assign(sc)
	if err != nil {
		t.Fatal(err)
	}
	n := cn.Segments()
	if n[seg[0]] != "重要价值客户" || n[seg[1]] != "一般挽留客户" || n[seg[2]] != "一般发展客户" || n[seg[3]] != "重要保持客户" {
		t.Fatalf("cn8 = %v %v %v %v", n[seg[0]], n[seg[1]], n[seg[2]], n[seg[3]])
	}
}

func TestLoadTableValidation(t *testing.T) {
	cases := map[string]string{
		"gap":         `{"name":"x","kind":"score","bins":3,"rules":[{"segment":"a","r":[1,3],"f":[1,3],"m":[1,2]}]}`,
		"overlap":     `{"name":"x","kind":"score","bins":3,"rules":[{"segment":"a","r":[1,3],"f":[1,3],"m":[1,3]},{"segment":"b","r":[1,1],"f":[1,1],"m":[1,1]}]}`,
		"out of bins": `{"name":"x","kind":"score","bins":3,"rules":[{"segment":"a","r":[0,3],"f":[1,3],"m":[1,3]}]}`,
		"bad bins":    `{"name":"x","kind":"score","bins":2,"rules":[{"segment":"a","r":[1,2],"f":[1,2],"m":[1,2]}]}`,
		"mean gap":    `{"name":"x","kind":"mean","rules":[{"segment":"a","r":"high","f":"any","m":"any"}]}`,
		"mean dup":    `{"name":"x","kind":"mean","rules":[{"segment":"a","r":"any","f":"any","m":"any"},{"segment":"b","r":"low","f":"low","m":"low"}]}`,
		"bad level":   `{"name":"x","kind":"mean","rules":[{"segment":"a","r":"mid","f":"any","m":"any"}]}`,
		"bad kind":    `{"name":"x","kind":"other","rules":[{"segment":"a","r":"any","f":"any","m":"any"}]}`,
		"no rules":    `{"name":"x","kind":"mean","rules":[]}`,
		"no name":     `{"name":"x","kind":"mean","rules":[{"segment":"","r":"any","f":"any","m":"any"}]}`,
		"bad cond":    `{"name":"x","kind":"score","bins":3,"rules":[{"segment":"a","r":[1],"f":[1,3],"m":[1,3]}]}`,
		"unknown":     `{"name":"x","kind":"mean","extra":1,"rules":[{"segment":"a","r":"any","f":"any","m":"any"}]}`,
		"not json":    `{`,
	}
	for name, js := range cases {
		if _, err := LoadTable([]byte(js)); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	ok := `{"name":"x","kind":"score","bins":3,"rules":[{"segment":"a","r":[1,3],"f":[1,3],"m":[1,2]},{"segment":"b","r":[1,3],"f":[1,3],"m":[3,3]}]}`
	if _, err := LoadTable([]byte(ok)); err != nil {
		t.Fatal(err)
	}
}

func FuzzLoadTable(f *testing.F) {
	f.Add(DefaultTableJSON())
	f.Add(CN8TableJSON())
	f.Add(`{"name":"x","kind":"score","bins":3,"rules":[{"segment":"a","r":[1,3],"f":[1,3],"m":[1,3]}]}`)
	f.Add(`{"kind":"score","bins":10,"rules":[{"segment":"a","r":[-5,300],"f":[1,3],"m":[1,3]}]}`)
	f.Fuzz(func(t *testing.T, s string) {
		tb, err := LoadTable([]byte(s))
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		// A valid table assigns every score combination.
		b := tb.Bins
		if tb.Kind == ByMean {
			b = 5
		}
		sc := &Scores{Bins: b}
		for r := 1; r <= b; r++ {
			for f := 1; f <= b; f++ {
				for m := 1; m <= b; m++ {
					sc.R = append(sc.R, uint8(r))
					sc.F = append(sc.F, uint8(f))
					sc.M = append(sc.M, uint8(m))
				}
			}
		}
		seg, err := tb.Assign(sc)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range seg {
			if int(k) >= len(tb.Segments()) {
				t.Fatal("segment out of range")
			}
		}
	})
}
