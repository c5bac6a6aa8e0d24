package corrupt

import (
	"errors"
	"math"
	"reflect"
	"testing"
	"time"
)

func config(seed uint64) Config {
	miss, cor := DefaultRates()
	return Config{Originals: 4000, DuplicateShare: 1, MaxDuplicates: 1, Chinese: 0.3, Missing: miss, Corrupt: cor, SwapNames: 0.02, Seed: seed}
}

func TestGenerateDeterministic(t *testing.T) {
	a, err := Generate(config(7))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Generate(config(7))
	c, _ := Generate(config(8))
	if !reflect.DeepEqual(a, b) {
		t.Error("same seed gave different records")
	}
	if reflect.DeepEqual(a, c) {
		t.Error("different seeds gave the same records")
	}
}

// TestAgreementRates checks the measured share of agreeing non-null values
// between originals and duplicates against the configured rates, within 4
// binomial standard errors.
func TestAgreementRates(t *testing.T) {
	cfg := config(1)
	ps, err := Generate(cfg)
	if err != nil {
		t.Fatal(err)
	}
	orig := map[int][]string{}
	for _, p := range ps {
		if p.Original {
			orig[p.Entity] = p.Values
		}
	}
	for fi, f := range Fields {
		agree, n, missing, dups := 0, 0, 0, 0
		for _, p := range ps {
			if p.Original {
				continue
			}
			dups++
			v := p.Values[fi]
			if v == "" {
				missing++
				continue
			}
			n++
			if v == orig[p.Entity][fi] {
				agree++
			}
		}
		want := cfg.ExpectedAgreement(f)
		got := float64(agree) / float64(n)
		se := math.Sqrt(want * (1 - want) / float64(n))
		if math.Abs(got-want) > 4*se+0.005 {
			t.Errorf("%s: agreement %.4f, configured %.4f", f, got, want)
		}
		if mr := float64(missing) / float64(dups); math.Abs(mr-cfg.Missing[f]) > 4*math.Sqrt(cfg.Missing[f]/float64(dups))+0.005 {
			t.Errorf("%s: missing rate %.4f, configured %.4f", f, mr, cfg.Missing[f])
		}
	}
}

func TestValuesWellFormed(t *testing.T) {
	ps, err := Generate(config(3))
	if err != nil {
		t.Fatal(err)
	}
	han := 0
	for _, p := range ps {
		if len(p.Values) != len(Fields) {
			t.Fatalf("%s: %d values", p.RecordID, len(p.Values))
		}
		if dob := p.Values[7]; dob != "" {
			if _, err := time.Parse("20060102", dob); err != nil {
				t.Fatalf("%s: bad date", p.RecordID)
			}
		}
		if isHan(p.Values[1]) {
			han++
		}
	}
	if share := float64(han) / float64(len(ps)); share < 0.2 || share > 0.4 {
		t.Errorf("Han surname share %.2f, configured about 0.3", share)
	}
}

func TestInvalidConfig(t *testing.T) {
	miss, cor := DefaultRates()
	cor["phone"] = 0.95
	for i, c := range []Config{
		{Originals: 0},
		{Originals: 10, DuplicateShare: 2},
		{Originals: 10, Missing: miss, Corrupt: cor},
		{Originals: 10, MaxDuplicates: -1},
	} {
		if _, err := Generate(c); !errors.Is(err, ErrInvalid) {
			t.Errorf("case %d: err = %v", i, err)
		}
	}
}
