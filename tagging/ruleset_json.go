package tagging

import "strconv"

// Name returns the rule set's name.
func (rs *RuleSet) Name() string { return rs.name }

// Tags returns a copy of the tag definitions in document order.
func (rs *RuleSet) Tags() []TagDef {
	out := make([]TagDef, len(rs.tags))
	copy(out, rs.tags)
	for i := range out {
		out[i].Sources = append([]Source(nil), out[i].Sources...)
	}
	return out
}

// Triggers returns a copy of the triggers in document order.
func (rs *RuleSet) Triggers() []Trigger { return append([]Trigger(nil), rs.triggers...) }

// MarshalJSON returns the canonical JSON of the rule set: compact, keys in
// a fixed order, optional keys omitted when empty. ParseRuleSet followed by
// MarshalJSON reproduces it byte for byte.
func (rs *RuleSet) MarshalJSON() ([]byte, error) {
	b := []byte(`{`)
	if rs.name != "" {
		b = append(b, `"name":`...)
		b = appendJSONString(b, rs.name)
		b = append(b, ',')
	}
	b = append(b, `"tags":[`...)
	for i, d := range rs.tags {
		if i > 0 {
			b = append(b, ',')
		}
		b = d.appendJSON(b)
	}
	b = append(b, ']')
	if len(rs.triggers) > 0 {
		b = append(b, `,"triggers":[`...)
		for i, t := range rs.triggers {
			if i > 0 {
				b = append(b, ',')
			}
			b = t.appendJSON(b)
		}
		b = append(b, ']')
	}
	return append(b, '}'), nil
}

func (d *TagDef) appendJSON(b []byte) []byte {
	b = append(b, `{"name":`...)
	b = appendJSONString(b, d.Name)
	b = append(b, `,"kind":`...)
	b = appendJSONString(b, string(d.Kind))
	switch d.Kind {
	case Dynamic:
		if d.Group != "" {
			b = append(b, `,"group":`...)
			b = appendJSONString(b, d.Group)
			b = append(b, `,"priority":`...)
			b = strconv.AppendInt(b, int64(d.Priority), 10)
		}
		b = append(b, `,"rule":`...)
		b = d.Rule.appendJSON(b)
	case Weighted:
		b = append(b, `,"halfLifeDays":`...)
		b = appendJSONNumber(b, d.HalfLifeDays)
		b = append(b, `,"threshold":`...)
		b = appendJSONNumber(b, d.Threshold)
		b = append(b, `,"sources":[`...)
		for i, s := range d.Sources {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"on":`...)
			b = appendJSONString(b, s.On)
			if s.Type != "" {
				b = append(b, `,"type":`...)
				b = appendJSONString(b, s.Type)
			}
			if s.Category != "" {
				b = append(b, `,"category":`...)
				b = appendJSONString(b, s.Category)
			}
			b = append(b, `,"increment":`...)
			b = appendJSONNumber(b, s.Increment)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

func (t *Trigger) appendJSON(b []byte) []byte {
	b = append(b, `{"name":`...)
	b = appendJSONString(b, t.Name)
	b = append(b, `,"tag":`...)
	b = appendJSONString(b, t.Tag)
	b = append(b, `,"on":`...)
	b = appendJSONString(b, t.On)
	b = append(b, `,"action":`...)
	b = appendJSONString(b, t.Action)
	if t.Purpose != "" {
		b = append(b, `,"purpose":`...)
		b = appendJSONString(b, t.Purpose)
	}
	b = append(b, `,"windowDays":`...)
	b = strconv.AppendInt(b, int64(t.WindowDays), 10)
	return append(b, '}')
}
