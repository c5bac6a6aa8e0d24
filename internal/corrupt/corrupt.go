// Package corrupt generates seeded synthetic person records in the shape of
// FEBRL's test data (given_name, surname, street_number, address_1, suburb,
// postcode, state, date_of_birth, phone), some with Chinese names, together
// with corrupted duplicates and the ground truth, for measuring record
// linkage.
//
// Each duplicate is derived from its original independently, field by
// field: with probability Missing[f] the value is blanked, else with
// probability Corrupt[f] it is changed (a typo, an OCR-like confusion, an
// abbreviation, a transposed date, a different digit ...; the change
// always yields a different value), else it is kept. Given name and surname
// are then swapped with probability SwapNames. So among original-duplicate
// pairs, the share of non-null values that still agree exactly is known:
// ExpectedAgreement.
package corrupt

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"

	"github.com/cimkit/cimkit/internal/civil"
)

// Fields are the record fields, in Person.Values order.
var Fields = []string{"given_name", "surname", "street_number", "address_1", "suburb", "postcode", "state", "date_of_birth", "phone"}

// Person is one generated record.
type Person struct {
	// RecordID is unique per record: "rec-<n>-org" for originals and
	// "rec-<n>-dup-<k>" for duplicates, as in FEBRL.
	RecordID string
	// Entity is the ground truth: records of the same person share it.
	Entity int
	// Original reports whether the record is the uncorrupted original.
	Original bool
	// Values holds the fields in Fields order.
	Values []string
}

// Config configures Generate.
type Config struct {
	// Originals is the number of distinct people.
	Originals int
	// DuplicateShare is the share of people that get duplicates.
	DuplicateShare float64
	// MaxDuplicates is the most duplicates one person gets; the count is
	// uniform in 1..MaxDuplicates. Default 1.
	MaxDuplicates int
	// Chinese is the share of people with Chinese (Han) names.
	Chinese float64
	// Missing and Corrupt are per-field probabilities (keyed by the names
	// in Fields) that a duplicate's value is blanked or changed.
	Missing, Corrupt map[string]float64
	// SwapNames is the probability that a duplicate's given name and
	// surname are swapped.
	SwapNames float64
	// Seed seeds the generator.
	Seed uint64
}

// ErrInvalid reports a bad configuration.
var ErrInvalid = errors.New("corrupt: invalid config")

// DefaultRates returns moderate per-field missing and corruption rates.
func DefaultRates() (missing, corrupt map[string]float64) {
	missing = map[string]float64{"given_name": 0.03, "surname": 0.02, "street_number": 0.05, "address_1": 0.03,
		"suburb": 0.03, "postcode": 0.02, "state": 0.02, "date_of_birth": 0.04, "phone": 0.1}
	corrupt = map[string]float64{"given_name": 0.2, "surname": 0.15, "street_number": 0.1, "address_1": 0.2,
		"suburb": 0.1, "postcode": 0.1, "state": 0.05, "date_of_birth": 0.15, "phone": 0.15}
	return missing, corrupt
}

// ExpectedAgreement returns, for an original-duplicate pair where both
// values of field are non-null, the probability they agree exactly, as the
// configuration implies (ignoring name swaps between equal names).
func (c Config) ExpectedAgreement(field string) float64 {
	m, k := c.Missing[field], c.Corrupt[field]
	p := (1 - m - k) / (1 - m)
	if field == "given_name" || field == "surname" {
		p *= 1 - c.SwapNames
	}
	return p
}

func (c *Config) validate() error {
	if c.Originals < 1 || c.Originals > 10_000_000 {
		return fmt.Errorf("%w: originals out of range", ErrInvalid)
	}
	if c.MaxDuplicates == 0 {
		c.MaxDuplicates = 1
	}
	if c.MaxDuplicates < 0 || c.MaxDuplicates > 100 {
		return fmt.Errorf("%w: max duplicates out of range", ErrInvalid)
	}
	for _, p := range []float64{c.DuplicateShare, c.Chinese, c.SwapNames} {
		if !(p >= 0 && p <= 1) {
			return fmt.Errorf("%w: share out of [0, 1]", ErrInvalid)
		}
	}
	for _, f := range Fields {
		if m, k := c.Missing[f], c.Corrupt[f]; !(m >= 0 && k >= 0 && m+k < 1) {
			return fmt.Errorf("%w: field %s: rates must be non-negative with missing+corrupt < 1", ErrInvalid, f)
		}
	}
	return nil
}

// Generate returns the originals, each followed by its duplicates.
func Generate(c Config) ([]Person, error) {
	if err := c.validate(); err != nil {
		return nil, err
	}
	r := rand.New(rand.NewPCG(c.Seed, c.Seed^0x5851f42d4c957f2d))
	var out []Person
	for e := 0; e < c.Originals; e++ {
		orig := original(r, r.Float64() < c.Chinese)
		out = append(out, Person{RecordID: fmt.Sprintf("rec-%d-org", e), Entity: e, Original: true, Values: orig})
		if r.Float64() >= c.DuplicateShare {
			continue
		}
		n := 1 + r.IntN(c.MaxDuplicates)
		for k := 0; k < n; k++ {
			out = append(out, Person{RecordID: fmt.Sprintf("rec-%d-dup-%d", e, k), Entity: e, Values: c.duplicate(r, orig)})
		}
	}
	return out, nil
}

// skewed picks an index in [0, n) favouring small indexes.
func skewed(r *rand.Rand, n int) int {
	u := r.Float64()
	return int(float64(n) * u * u)
}

func original(r *rand.Rand, chinese bool) []string {
	v := make([]string, len(Fields))
	if chinese {
		v[1] = hanSurnames[skewed(r, len(hanSurnames))]
		g := hanGiven[r.IntN(len(hanGiven))]
		if r.IntN(3) > 0 {
			g += hanGiven[r.IntN(len(hanGiven))]
		}
		v[0] = g
	} else {
		v[0] = givenNames[skewed(r, len(givenNames))]
		v[1] = surnames[skewed(r, len(surnames))]
	}
	v[2] = strconv.Itoa(1 + skewed(r, 300))
	st := streetTypes[skewed(r, len(streetTypes))]
	v[3] = streetNames[r.IntN(len(streetNames))] + " " + st[0]
	pl := places[skewed(r, len(places))]
	v[4], v[5], v[6] = pl[0], pl[1], pl[2]
	y, m := 1930+r.IntN(76), 1+r.IntN(12)
	d := 1 + r.IntN(civil.DaysIn(y, m))
	v[7] = fmt.Sprintf("%04d%02d%02d", y, m, d)
	v[8] = fmt.Sprintf("1%d%09d", 3+r.IntN(7), r.IntN(1_000_000_000))
	return v
}

func (c Config) duplicate(r *rand.Rand, orig []string) []string {
	v := make([]string, len(orig))
	for i, f := range Fields {
		u := r.Float64()
		switch {
		case u < c.Missing[f]:
			v[i] = ""
		case u < c.Missing[f]+c.Corrupt[f]:
			v[i] = changed(r, f, orig[i])
		default:
			v[i] = orig[i]
		}
	}
	if r.Float64() < c.SwapNames {
		v[0], v[1] = v[1], v[0]
	}
	return v
}

// changed returns a corrupted value different from s.
func changed(r *rand.Rand, field, s string) string {
	for try := 0; try < 20; try++ {
		if t := corruptField(r, field, s); t != s && t != "" {
			return t
		}
	}
	return s + "x"
}

func corruptField(r *rand.Rand, field, s string) string {
	switch field {
	case "given_name", "surname", "suburb":
		if isHan(s) {
			return hanError(r, s)
		}
		if r.IntN(3) == 0 {
			return ocr(r, s)
		}
		return typo(r, s, "abcdefghijklmnopqrstuvwxyz")
	case "address_1":
		if t, ok := abbreviate(s); ok && r.IntN(2) == 0 {
			return t
		}
		if r.IntN(4) == 0 {
			return ocr(r, s)
		}
		return typo(r, s, "abcdefghijklmnopqrstuvwxyz")
	case "state":
		return states[r.IntN(len(states))]
	case "date_of_birth":
		return dateError(r, s)
	default: // street_number, postcode, phone
		if r.IntN(4) == 0 {
			return ocr(r, s)
		}
		return typo(r, s, "0123456789")
	}
}
