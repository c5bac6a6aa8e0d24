package identity

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/cimkit/cimkit/customer/clean"
	"github.com/google/uuid"
)

// Explanation says why a customer's records belong together. Identifier
// values appear only masked; it is safe to show to a support agent.
type Explanation struct {
	CustomerID uuid.UUID
	Records    []ExplainedRecord
	// Edges are the linking decisions touching the customer's records:
	// the links that joined them and the rules that kept others apart.
	Edges []Edge
	// Probable are the probable links (ScanProbable) touching the
	// customer's records, by id, each with its probability, weight and
	// every field's part of the weight (no values).
	Probable []Constraint
	// Fired lists each rule that decided something, once ("phone:
	// linked", "device: not linked: shared" ...).
	Fired []string
	// Events are the merges, splits and operator actions naming the
	// customer, oldest first.
	Events []Event
	// Golden is the golden record with the record each value came from.
	Golden map[string]Pick
}

// ExplainedRecord is one source record with masked identifiers.
type ExplainedRecord struct {
	ID          string
	Channel     string
	At          time.Time
	Identifiers []string // "phone 138****5678"
}

// Explain returns why the customer's records belong together.
func (r *Resolver) Explain(ctx context.Context, customerID uuid.UUID) (Explanation, error) {
	c, err := r.load(ctx, nil, nil, []uuid.UUID{customerID})
	if err != nil {
		return Explanation{}, err
	}
	mine := c.customers[customerID].Records
	if len(mine) == 0 {
		return Explanation{}, fmt.Errorf("identity: explain: customer: %w", ErrNotFound)
	}
	x := Explanation{CustomerID: customerID}
	var recs []StoredRecord
	for _, id := range mine {
		rec := c.records[id]
		recs = append(recs, rec)
		er := ExplainedRecord{ID: rec.ID, Channel: rec.Channel, At: rec.At}
		for i, k := range slices.Concat(rec.Keys, rec.Evidence) {
			d := ""
			if i < len(rec.Display) {
				d = rec.Display[i]
			}
			er.Identifiers = append(er.Identifiers, string(k.Kind)+" "+d)
		}
		x.Records = append(x.Records, er)
	}
	part := Resolve(c.nodes(), r.rules, c.constraintList(), true)
	fired := map[string]bool{}
	for _, e := range part.Edges {
		if slices.Contains(mine, e.A) || slices.Contains(mine, e.B) {
			x.Edges = append(x.Edges, e)
			k := string(e.Kind)
			if k == "" {
				k = "operator"
			}
			fired[k+": "+string(e.Rule)] = true
		}
	}
	x.Fired = slices.Sorted(maps.Keys(fired))
	for _, id := range slices.Sorted(maps.Keys(c.constraints)) {
		k := c.constraints[id]
		if k.Probable() && (overlaps(k.A, mine) || overlaps(k.B, mine)) {
			x.Probable = append(x.Probable, k.Clone())
		}
	}
	if x.Events, err = r.store.IdentityEvents(ctx, customerID); err != nil {
		return Explanation{}, err
	}
	x.Golden = r.surv.Golden(recs)
	return x, nil
}

// maskField masks a golden value for printing.
func maskField(field, v string) string {
	switch field {
	case "name":
		return clean.Mask(clean.FieldName, v)
	case "address":
		return clean.Mask(clean.FieldAddress, v)
	case "phone":
		return clean.Mask(clean.FieldPhone, v)
	case "email":
		return clean.Mask(clean.FieldEmail, v)
	case "gender", "channel":
		return v
	}
	return clean.Mask("", v)
}

// WriteText prints the explanation for a support agent: records with
// masked identifiers, the links between them, the rules that fired, the
// merge history and the golden record (masked).
func (x Explanation) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "customer %s: %d records\n", x.CustomerID, len(x.Records))
	for _, r := range x.Records {
		fmt.Fprintf(&b, "  record %s  %s  %s  [%s]\n", r.ID, r.Channel, r.At.Format("2006-01-02"), strings.Join(r.Identifiers, ", "))
	}
	if len(x.Edges) > 0 {
		b.WriteString("links:\n")
		for _, e := range x.Edges {
			kind := string(e.Kind)
			if kind == "" {
				kind = "operator"
			}
			fmt.Fprintf(&b, "  %s — %s  by %s: %s", e.A, e.B, kind, e.Rule)
			if e.Detail != "" {
				fmt.Fprintf(&b, " (%s)", e.Detail)
			}
			b.WriteByte('\n')
		}
	}
	for _, k := range x.Probable {
		fmt.Fprintf(&b, "probable link %s — %s: p=%.4f, %.1f bits:", strings.Join(k.A, ","), strings.Join(k.B, ","), k.Probability, k.Weight)
		for _, f := range k.Evidence {
			fmt.Fprintf(&b, " %s %s %+.2f;", f.Field, f.Level, f.Weight)
		}
		b.WriteByte('\n')
	}
	if len(x.Fired) > 0 {
		fmt.Fprintf(&b, "rules fired: %s\n", strings.Join(x.Fired, "; "))
	}
	for _, e := range x.Events {
		fmt.Fprintf(&b, "event %s %s at %s:", e.ID, e.Kind, e.At.Format(time.RFC3339))
		for _, c := range e.Before {
			fmt.Fprintf(&b, " %s(%d)", c.ID, len(c.Records))
		}
		b.WriteString(" →")
		for _, c := range e.After {
			fmt.Fprintf(&b, " %s(%d)", c.ID, len(c.Records))
		}
		b.WriteByte('\n')
	}
	if len(x.Golden) > 0 {
		b.WriteString("golden record:\n")
		for _, f := range slices.Sorted(maps.Keys(x.Golden)) {
			p := x.Golden[f]
			fmt.Fprintf(&b, "  %s = %s  (record %s, %s)\n", f, maskField(f, p.Value), p.Record, p.Strategy)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// String is the WriteText form.
func (x Explanation) String() string {
	var b strings.Builder
	_ = x.WriteText(&b)
	return b.String()
}
