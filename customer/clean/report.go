package clean

import (
	"fmt"
	"io"
	"sort"
	"sync"
)

// DefaultMaxRejections bounds the rejected records a Report keeps.
const DefaultMaxRejections = 100

// FieldStats counts the outcomes of one field over a batch.
type FieldStats struct {
	Field   Field
	Seen    int            // records in which the field was mapped
	Usable  int            // cleaned without error
	Errors  map[string]int // error class ("empty", "invalid", ...) → count
	Flags   map[string]int // flag name → count
	Default int            // raw value supplied by Mapping.Defaults
}

// Rejection is one rejected record with its reasons. Raw values are
// masked (see Mask).
type Rejection struct {
	Record  int // the record's number as passed to Add
	Reasons []RejectReason
}

// RejectReason says why one field of a rejected record failed.
type RejectReason struct {
	Field  Field
	Class  string // error class: "empty", "invalid", "masked", ...
	Reason string // the FieldError reason, free of personal data
	Masked string // the raw value, masked
}

// Report summarises a batch of cleaned records so an import can be
// reviewed. A record is rejected when it has no usable identifier (phone,
// email or resident ID). Report is safe for concurrent use.
type Report struct {
	mu            sync.Mutex
	records       int
	rejected      int
	qualitySum    float64
	fields        map[Field]*FieldStats
	rejections    []Rejection
	maxRejections int
}

// NewReport returns an empty report keeping at most maxRejections rejected
// records (DefaultMaxRejections when ≤ 0); all are counted.
func NewReport(maxRejections int) *Report {
	if maxRejections <= 0 {
		maxRejections = DefaultMaxRejections
	}
	return &Report{fields: map[Field]*FieldStats{}, maxRejections: maxRejections}
}

// Add counts one cleaned record; n identifies it in rejections (a line or
// row number). It reports whether the record was accepted.
func (rp *Report) Add(n int, r *RecordResult) bool {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	rp.records++
	rp.qualitySum += r.Quality
	for _, f := range r.Fields {
		st := rp.fields[f.Field]
		if st == nil {
			st = &FieldStats{Field: f.Field, Errors: map[string]int{}, Flags: map[string]int{}}
			rp.fields[f.Field] = st
		}
		st.Seen++
		if f.Err == nil {
			st.Usable++
		} else {
			st.Errors[ErrorClass(f.Err)]++
		}
		if f.Defaulted {
			st.Default++
		}
		for i, name := range flagNames {
			if f.Flags&(1<<i) != 0 {
				st.Flags[name]++
			}
		}
	}
	if r.Identified() {
		return true
	}
	rp.rejected++
	if len(rp.rejections) < rp.maxRejections {
		rej := Rejection{Record: n}
		for _, f := range r.Fields {
			if f.Err == nil {
				continue
			}
			reason := ""
			if fe, ok := f.Err.(*FieldError); ok {
				reason = fe.Reason
			}
			rej.Reasons = append(rej.Reasons, RejectReason{Field: f.Field, Class: ErrorClass(f.Err), Reason: reason, Masked: Mask(f.Field, f.Raw)})
		}
		if len(rej.Reasons) == 0 {
			rej.Reasons = append(rej.Reasons, RejectReason{Class: "unidentified", Reason: "no phone, email or resident ID mapped"})
		}
		rp.rejections = append(rp.rejections, rej)
	}
	return false
}

// Records returns the number of records added.
func (rp *Report) Records() int { rp.mu.Lock(); defer rp.mu.Unlock(); return rp.records }

// Rejected returns the number of rejected records.
func (rp *Report) Rejected() int { rp.mu.Lock(); defer rp.mu.Unlock(); return rp.rejected }

// Fields returns copies of the per-field statistics in AllFields order.
func (rp *Report) Fields() []FieldStats {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	var out []FieldStats
	for _, f := range fieldOrder {
		st := rp.fields[f]
		if st == nil {
			continue
		}
		cp := *st
		cp.Errors, cp.Flags = copyCounts(st.Errors), copyCounts(st.Flags)
		out = append(out, cp)
	}
	return out
}

// Rejections returns the kept rejected records in the order added.
func (rp *Report) Rejections() []Rejection {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	return append([]Rejection(nil), rp.rejections...)
}

func copyCounts(m map[string]int) map[string]int {
	c := make(map[string]int, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

// WriteText writes the report as plain text: totals, one line per field
// with its counts by error class and flag (sorted by name), then the kept
// rejections with masked values.
func (rp *Report) WriteText(w io.Writer) error {
	fields := rp.Fields()
	rej := rp.Rejections()
	rp.mu.Lock()
	records, rejected, q := rp.records, rp.rejected, rp.qualitySum
	rp.mu.Unlock()
	mean := 0.0
	if records > 0 {
		mean = q / float64(records)
	}
	ew := &errWriter{w: w}
	ew.printf("records %d accepted %d rejected %d mean_quality %.3f\n", records, records-rejected, rejected, mean)
	for _, st := range fields {
		ew.printf("field %s seen %d usable %d defaulted %d", st.Field, st.Seen, st.Usable, st.Default)
		for _, k := range sortedKeys(st.Errors) {
			ew.printf(" error:%s=%d", k, st.Errors[k])
		}
		for _, k := range sortedKeys(st.Flags) {
			ew.printf(" flag:%s=%d", k, st.Flags[k])
		}
		ew.printf("\n")
	}
	sort.SliceStable(rej, func(i, j int) bool { return rej[i].Record < rej[j].Record })
	for _, r := range rej {
		ew.printf("rejected record %d:", r.Record)
		for _, why := range r.Reasons {
			if why.Field == "" {
				ew.printf(" %s (%s)", why.Class, why.Reason)
				continue
			}
			ew.printf(" %s %s (%s) %q;", why.Field, why.Class, why.Reason, why.Masked)
		}
		ew.printf("\n")
	}
	if rejected > len(rej) {
		ew.printf("... %d more rejected records not listed\n", rejected-len(rej))
	}
	return ew.err
}

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}
