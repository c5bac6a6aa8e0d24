package clean

import (
	"fmt"
	"sort"
	"strings"
)

// Field names a kind of customer field a Cleaner knows.
type Field string

// Fields, in the order Record reports them (see AllFields).
const (
	FieldPhone     Field = "phone"
	FieldEmail     Field = "email"
	FieldName      Field = "name"
	FieldGender    Field = "gender"
	FieldBirthDate Field = "birthdate"
	FieldIDCard    Field = "idcard"
	FieldAddress   Field = "address"
)

// fieldOrder lists every Field in reporting order.
var fieldOrder = [...]Field{FieldPhone, FieldEmail, FieldName, FieldGender, FieldBirthDate, FieldIDCard, FieldAddress}

// AllFields returns every Field in the order Record and Report list them.
func AllFields() []Field { return append([]Field(nil), fieldOrder[:]...) }

// fieldWeight is each field's share of the quality score: identifiers
// weigh most.
var fieldWeight = map[Field]float64{
	FieldPhone: 3, FieldEmail: 2, FieldIDCard: 2, FieldName: 1.5, FieldAddress: 1.5, FieldBirthDate: 1, FieldGender: 0.5,
}

// Mapping says which column of a channel record holds which field, and
// which raw value to use when the column is missing or blank.
type Mapping struct {
	Columns  map[Field]string // field → column name
	Defaults map[Field]string // field → raw value used for a missing or blank column; absent: leave empty
}

// ParseMapping parses "phone=mobile_col,name=name_col": comma-separated
// field=column pairs, field one of phone, email, name, gender, birthdate,
// idcard, address, each at most once.
func ParseMapping(s string) (Mapping, error) {
	m := Mapping{Columns: map[Field]string{}}
	for _, pair := range strings.Split(s, ",") {
		pair = strings.TrimSpace(pair)
		if pair == "" {
			continue
		}
		f, col, ok := strings.Cut(pair, "=")
		f, col = strings.TrimSpace(f), strings.TrimSpace(col)
		if !ok || col == "" {
			return Mapping{}, fmt.Errorf("clean: mapping %q: want field=column", pair)
		}
		field := Field(strings.ToLower(f))
		if _, known := fieldWeight[field]; !known {
			return Mapping{}, fmt.Errorf("clean: mapping: unknown field %q", f)
		}
		if _, dup := m.Columns[field]; dup {
			return Mapping{}, fmt.Errorf("clean: mapping: field %q mapped twice", f)
		}
		m.Columns[field] = col
	}
	if len(m.Columns) == 0 {
		return Mapping{}, fmt.Errorf("clean: mapping: no fields")
	}
	return m, nil
}

// String returns the mapping in ParseMapping syntax, fields in order.
func (m Mapping) String() string {
	var parts []string
	for _, f := range fieldOrder {
		if col, ok := m.Columns[f]; ok {
			parts = append(parts, string(f)+"="+col)
		}
	}
	return strings.Join(parts, ",")
}

// FieldResult is the generic view of one cleaned field of a record.
type FieldResult struct {
	Field  Field
	Column string
	Raw    string // the raw value (after any default was applied)
	Value  string // canonical value, "" when unusable
	Kind   string // phone kind, gender; "" for other fields
	Flags  Flags
	Err    error // nil when usable
	// Defaulted is set when the column was missing or blank and
	// Mapping.Defaults supplied the raw value.
	Defaulted bool
}

// RecordResult is a cleaned channel record. The typed results are filled
// for mapped fields only; Fields has one entry per mapped field.
type RecordResult struct {
	Phones    []PhoneResult // all numbers of the phone field
	Email     EmailResult
	Name      NameResult
	Gender    GenderResult
	BirthDate BirthDateResult
	IDCard    IDCardResult
	Address   AddressResult
	Fields    []FieldResult // mapped fields in AllFields order
	// Completeness is the share of mapped fields that are usable, 0–1.
	Completeness float64
	// Quality is a weighted score, 0–1: each usable mapped field earns its
	// weight (phone 3, email 2, idcard 2, name 1.5, address 1.5, birth date
	// 1, gender 0.5), three quarters of it when it carries a warning flag
	// (typo, ambiguous, inferred, spreadsheet, default region, defaulted).
	Quality float64
}

// Identified reports whether the record has at least one usable
// identifier: a phone number, an email address or a resident ID.
func (r *RecordResult) Identified() bool {
	for _, f := range r.Fields {
		if f.Err == nil && (f.Field == FieldPhone || f.Field == FieldEmail || f.Field == FieldIDCard) {
			return true
		}
	}
	return false
}

// warnFlags lower a field's contribution to the quality score.
const warnFlags = FlagTypo | FlagAmbiguous | FlagInferred | FlagSpreadsheet | FlagIncomplete | FlagMultiple

// Record cleans the mapped fields of one channel record (column name →
// raw value). Columns not in the mapping are ignored.
func (c *Cleaner) Record(raw map[string]string, m Mapping) RecordResult {
	var r RecordResult
	r.Fields = make([]FieldResult, 0, len(m.Columns))
	var total, earned float64
	usable := 0
	for _, f := range fieldOrder {
		col, ok := m.Columns[f]
		if !ok {
			continue
		}
		fr := FieldResult{Field: f, Column: col, Raw: raw[col]}
		if strings.TrimSpace(fr.Raw) == "" {
			if d, ok := m.Defaults[f]; ok {
				fr.Raw, fr.Defaulted = d, true
			}
		}
		c.cleanField(&r, &fr)
		r.Fields = append(r.Fields, fr)
		w := fieldWeight[f]
		total += w
		if fr.Err == nil {
			usable++
			if fr.Flags&warnFlags != 0 || fr.Defaulted {
				w *= 0.75
			}
			earned += w
		}
	}
	if len(r.Fields) > 0 {
		r.Completeness = float64(usable) / float64(len(r.Fields))
		r.Quality = earned / total
	}
	return r
}

func (c *Cleaner) cleanField(r *RecordResult, fr *FieldResult) {
	switch fr.Field {
	case FieldPhone:
		if p, ok := c.phoneFast(fr.Raw); ok && !c.noFast {
			r.Phones = []PhoneResult{p}
		} else {
			r.Phones, _ = c.phones(fr.Raw)
		}
		best := r.Phones[0]
		for _, p := range r.Phones {
			if p.OK() {
				best = p
				break
			}
		}
		fr.Value, fr.Flags, fr.Err = best.Value(), best.Flags, best.Err
		if best.n > 0 {
			fr.Kind = best.Kind.String()
		}
	case FieldEmail:
		r.Email, fr.Err = c.Email(fr.Raw)
		fr.Value, fr.Flags = r.Email.Value, r.Email.Flags
	case FieldName:
		r.Name, fr.Err = c.Name(fr.Raw)
		fr.Value, fr.Flags = r.Name.Value, r.Name.Flags
	case FieldGender:
		r.Gender, fr.Err = c.Gender(fr.Raw)
		fr.Value, fr.Flags = r.Gender.Value.String(), r.Gender.Flags
		if fr.Err != nil {
			fr.Value = ""
		}
		fr.Kind = r.Gender.Value.String()
	case FieldBirthDate:
		r.BirthDate, fr.Err = c.BirthDate(fr.Raw)
		fr.Value, fr.Flags = r.BirthDate.Value, r.BirthDate.Flags
	case FieldIDCard:
		r.IDCard, fr.Err = c.IDCard(fr.Raw)
		fr.Value, fr.Flags = r.IDCard.Value, r.IDCard.Flags
	case FieldAddress:
		r.Address, fr.Err = c.Address(fr.Raw)
		fr.Value, fr.Flags = r.Address.Value, r.Address.Flags
	}
}

// sortedKeys returns m's keys in order, for deterministic output.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
