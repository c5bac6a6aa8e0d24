package tagging

import (
	"fmt"
	"strconv"
	"unicode"
	"unicode/utf8"
)

// Kind is how a tag gets its value.
type Kind string

// Tag kinds.
const (
	// Static tags are set by hand or by an import, with a source, an author
	// and an optional expiry; evaluation keeps them until they expire.
	Static Kind = "static"
	// Dynamic tags hold while their rule holds; they are recomputed on every
	// evaluation.
	Dynamic Kind = "dynamic"
	// Weighted tags carry a weight in 0..1 accumulated from events and
	// orders, each contribution halving every HalfLifeDays.
	Weighted Kind = "weighted"
)

// Limits on rule sets.
const (
	// MaxTags bounds the tags of one rule set.
	MaxTags = 10000
	// MaxNameLen bounds tag, group, trigger and action names in bytes.
	MaxNameLen = 128
)

// TagDef is one tag of a RuleSet.
type TagDef struct {
	Name string
	Kind Kind
	// Rule is the condition of a dynamic tag.
	Rule *Node
	// Group names a set of mutually exclusive dynamic tags; when several of
	// them hold, only the one with the highest Priority is kept (ties: the
	// first defined).
	Group    string
	Priority int
	// HalfLifeDays, Threshold and Sources define a weighted tag: the
	// customer carries it while its weight is at least Threshold.
	HalfLifeDays float64
	Threshold    float64
	Sources      []Source
}

// Source is one kind of contribution to a weighted tag.
type Source struct {
	// On is "event" or "order".
	On string
	// Type restricts event sources to one event type.
	Type string
	// Category restricts to events whose "category" property, or orders
	// whose Categories, contain it; "" matches all.
	Category string
	// Increment is added to the weight at the contribution's time (0..1].
	Increment float64
}

// Trigger fires an action when a customer enters or leaves a tag.
type Trigger struct {
	Name string
	// Tag is the tag watched.
	Tag string
	// On is "enter" or "leave".
	On string
	// Action is passed to the Notifier.
	Action string
	// Purpose is the consent purpose checked before notifying; "" skips
	// the consent check.
	Purpose string
	// WindowDays: the trigger fires at most once per customer within any
	// span of this many days.
	WindowDays int
}

// parseRuleSet decodes and checks the structure of a rule set document.
func parseRuleSetDoc(v any, ps *problems) (name string, tags []TagDef, triggers []Trigger) {
	root, ok := v.(*jobject)
	if !ok {
		ps.add("$", "rule set must be an object, got "+jsonKind(v))
		return
	}
	for i, k := range root.keys {
		switch k {
		case "name":
			name = nameValue(root.vals[i], "$.name", ps, true)
		case "tags":
			arr, ok := root.vals[i].([]any)
			if !ok {
				ps.add("$.tags", "tags must be an array")
				continue
			}
			if len(arr) > MaxTags {
				ps.add("$.tags", fmt.Sprintf("more than %d tags", MaxTags))
				continue
			}
			for j, tv := range arr {
				tags = append(tags, parseTagDef(tv, "$.tags["+strconv.Itoa(j)+"]", ps))
			}
		case "triggers":
			arr, ok := root.vals[i].([]any)
			if !ok {
				ps.add("$.triggers", "triggers must be an array")
				continue
			}
			for j, tv := range arr {
				triggers = append(triggers, parseTrigger(tv, "$.triggers["+strconv.Itoa(j)+"]", ps))
			}
		default:
			ps.add("$", "unknown key "+strconv.Quote(k))
		}
	}
	return
}

func parseTagDef(v any, path string, ps *problems) TagDef {
	var d TagDef
	o, ok := v.(*jobject)
	if !ok {
		ps.add(path, "tag must be an object, got "+jsonKind(v))
		return d
	}
	for i, k := range o.keys {
		val, p := o.vals[i], path+"."+k
		switch k {
		case "name":
			d.Name = nameValue(val, p, ps, false)
		case "kind":
			s, _ := val.(string)
			switch Kind(s) {
			case Static, Dynamic, Weighted:
				d.Kind = Kind(s)
			default:
				ps.add(p, `kind must be "static", "dynamic" or "weighted"`)
			}
		case "rule":
			d.Rule = parseRule(val, p, ps)
		case "group":
			d.Group = nameValue(val, p, ps, false)
		case "priority":
			d.Priority = intValue(val, p, ps, -1000000, 1000000)
		case "halfLifeDays":
			d.HalfLifeDays = floatValue(val, p, ps, 0, MaxDays, true)
		case "threshold":
			d.Threshold = floatValue(val, p, ps, 0, 1, true)
		case "sources":
			arr, ok := val.([]any)
			if !ok || len(arr) == 0 {
				ps.add(p, "sources must be a non-empty array")
				continue
			}
			for j, sv := range arr {
				d.Sources = append(d.Sources, parseSource(sv, p+"["+strconv.Itoa(j)+"]", ps))
			}
		default:
			ps.add(path, "unknown key "+strconv.Quote(k))
		}
	}
	if d.Name == "" {
		if _, had := o.get("name"); !had {
			ps.add(path, `missing "name"`)
		}
	}
	has := func(k string) bool { _, ok := o.get(k); return ok }
	switch d.Kind {
	case "":
		if !has("kind") {
			ps.add(path, `missing "kind"`)
		}
	case Dynamic:
		if !has("rule") {
			ps.add(path, `dynamic tag needs "rule"`)
		}
		for _, k := range []string{"halfLifeDays", "threshold", "sources"} {
			if has(k) {
				ps.add(path, k+" is only for weighted tags")
			}
		}
	case Weighted, Static:
		for _, k := range []string{"rule", "group", "priority"} {
			if has(k) {
				ps.add(path, k+" is only for dynamic tags")
			}
		}
		if d.Kind == Weighted {
			if !has("halfLifeDays") {
				ps.add(path, `weighted tag needs "halfLifeDays"`)
			}
			if !has("sources") {
				ps.add(path, `weighted tag needs "sources"`)
			}
			if !has("threshold") {
				ps.add(path, `weighted tag needs "threshold"`)
			}
		} else {
			for _, k := range []string{"halfLifeDays", "threshold", "sources"} {
				if has(k) {
					ps.add(path, k+" is only for weighted tags")
				}
			}
		}
	}
	if has("priority") && !has("group") {
		ps.add(path, "priority needs a group")
	}
	return d
}

func parseSource(v any, path string, ps *problems) Source {
	var s Source
	o, ok := v.(*jobject)
	if !ok {
		ps.add(path, "source must be an object")
		return s
	}
	for i, k := range o.keys {
		val, p := o.vals[i], path+"."+k
		switch k {
		case "on":
			str, _ := val.(string)
			if str != "event" && str != "order" {
				ps.add(p, `on must be "event" or "order"`)
			}
			s.On = str
		case "type":
			s.Type = nameValue(val, p, ps, false)
		case "category":
			s.Category = nameValue(val, p, ps, false)
		case "increment":
			s.Increment = floatValue(val, p, ps, 0, 1, true)
		default:
			ps.add(path, "unknown key "+strconv.Quote(k))
		}
	}
	if _, ok := o.get("on"); !ok {
		ps.add(path, `missing "on"`)
	}
	if _, ok := o.get("increment"); !ok {
		ps.add(path, `missing "increment"`)
	}
	if s.On == "order" && s.Type != "" {
		ps.add(path, "type is only for event sources")
	}
	return s
}

func parseTrigger(v any, path string, ps *problems) Trigger {
	var t Trigger
	o, ok := v.(*jobject)
	if !ok {
		ps.add(path, "trigger must be an object")
		return t
	}
	for i, k := range o.keys {
		val, p := o.vals[i], path+"."+k
		switch k {
		case "name":
			t.Name = nameValue(val, p, ps, false)
		case "tag":
			t.Tag = nameValue(val, p, ps, false)
		case "on":
			s, _ := val.(string)
			if s != "enter" && s != "leave" {
				ps.add(p, `on must be "enter" or "leave"`)
			}
			t.On = s
		case "action":
			t.Action = nameValue(val, p, ps, false)
		case "purpose":
			t.Purpose = nameValue(val, p, ps, false)
		case "windowDays":
			t.WindowDays = intValue(val, p, ps, 1, MaxDays)
		default:
			ps.add(path, "unknown key "+strconv.Quote(k))
		}
	}
	for _, k := range []string{"name", "tag", "on", "action", "windowDays"} {
		if _, ok := o.get(k); !ok {
			ps.add(path, "missing "+strconv.Quote(k))
		}
	}
	return t
}

// nameValue reads a non-empty printable name of at most MaxNameLen bytes.
func nameValue(v any, path string, ps *problems, allowEmpty bool) string {
	s, ok := v.(string)
	if !ok {
		ps.add(path, "must be a string, got "+jsonKind(v))
		return ""
	}
	if s == "" && !allowEmpty {
		ps.add(path, "must not be empty")
		return ""
	}
	if len(s) > MaxNameLen || !utf8.ValidString(s) {
		ps.add(path, fmt.Sprintf("must be valid UTF-8 of at most %d bytes", MaxNameLen))
		return ""
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			ps.add(path, "must not contain control characters")
			return ""
		}
	}
	return s
}

func intValue(v any, path string, ps *problems, lo, hi int) int {
	f := floatValue(v, path, ps, float64(lo), float64(hi), false)
	if f != float64(int(f)) {
		ps.add(path, "must be an integer")
		return 0
	}
	return int(f)
}

// floatValue reads a number in [lo, hi] (or (lo, hi] when openLow).
func floatValue(v any, path string, ps *problems, lo, hi float64, openLow bool) float64 {
	n, ok := v.(interface{ String() string })
	if !ok || jsonKind(v) != "number" {
		ps.add(path, "must be a number, got "+jsonKind(v))
		return 0
	}
	f, err := strconv.ParseFloat(n.String(), 64)
	if err != nil || f < lo || f > hi || (openLow && f == lo) {
		lb := "["
		if openLow {
			lb = "("
		}
		ps.add(path, fmt.Sprintf("must be a number in %s%s, %s]", lb, strconv.FormatFloat(lo, 'g', -1, 64), strconv.FormatFloat(hi, 'g', -1, 64)))
		return 0
	}
	return f
}
