package tagging

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// Parse decodes a JSON condition tree and checks its structure: known
// operators, operand shapes, value kinds and the MaxDepth and MaxNodes
// limits. It reports every problem it finds, each with its JSON path, in a
// *ValidationError matching ErrInvalid. Field names and types are checked
// by Compile against a Schema.
func Parse(data []byte) (*Node, error) {
	v, err := decodeJSON(data)
	if err != nil {
		return nil, &ValidationError{Problems: []Problem{{"$", err.Error()}}}
	}
	var ps problems
	n := parseRule(v, "$", &ps)
	if err := ps.err(); err != nil {
		return nil, err
	}
	return n, nil
}

// parseRule parses a decoded rule rooted at path, adding problems to ps.
// When problems were added the tree is partial (nil where a condition
// failed to parse) and must only be compiled to collect more problems.
func parseRule(v any, path string, ps *problems) *Node {
	p := parser{ps: ps}
	n := p.node(v, path, 1)
	if p.nodes > MaxNodes {
		ps.add(path, fmt.Sprintf("rule has %d nodes, more than the limit of %d", p.nodes, MaxNodes))
	}
	return n
}

type parser struct {
	ps    *problems
	nodes int
}

func (p *parser) node(v any, path string, depth int) *Node {
	p.nodes++
	if depth > MaxDepth {
		p.ps.add(path, fmt.Sprintf("conditions nested deeper than the limit of %d", MaxDepth))
		return nil
	}
	obj, ok := v.(*jobject)
	if !ok {
		p.ps.add(path, "condition must be an object, got "+jsonKind(v))
		return nil
	}
	if len(obj.keys) != 1 {
		p.ps.add(path, fmt.Sprintf("condition must have exactly one operator key, got %d keys", len(obj.keys)))
		return nil
	}
	op, arg := obj.keys[0], obj.vals[0]
	path = path + "." + op
	n := &Node{op: op, path: path}
	switch op {
	case opAll, opAny:
		arr, ok := arg.([]any)
		if !ok {
			p.ps.add(path, op+" needs an array of conditions, got "+jsonKind(arg))
			return nil
		}
		n.children = make([]*Node, 0, len(arr))
		for i, c := range arr {
			n.children = append(n.children, p.node(c, path+"["+strconv.Itoa(i)+"]", depth+1))
		}
	case opNot:
		n.children = []*Node{p.node(arg, path, depth+1)}
	case opHasTag:
		s, ok := arg.(string)
		if !ok || s == "" {
			p.ps.add(path, "hasTag needs a non-empty tag name")
			return nil
		}
		n.tag = s
	default:
		keys, known := operandKeys[op]
		if !known {
			p.ps.add(path, fmt.Sprintf("unknown operator %s", strconv.Quote(op)))
			return nil
		}
		o, ok := arg.(*jobject)
		if !ok {
			p.ps.add(path, op+" needs an operand object, got "+jsonKind(arg))
			return nil
		}
		if !p.operand(n, o, keys) {
			return nil
		}
	}
	// children that failed to parse stay nil: the problems are recorded and
	// Compile can still report the problems of the valid siblings
	return n
}

// operand fills n from the operand object o. It returns false on problems.
func (p *parser) operand(n *Node, o *jobject, keys []string) bool {
	ok := true
	bad := func(msg string) { p.ps.add(n.path, msg); ok = false }
	subjects := 0
	for i, k := range o.keys {
		v := o.vals[i]
		switch k {
		case keyField:
			subjects++
			s, isStr := v.(string)
			if !isStr || s == "" {
				bad("field must be a non-empty string")
				continue
			}
			n.field = s
		case aggCountEv, aggSumOrd, aggCountOrd:
			subjects++
			if a := p.aggregate(n.path+"."+k, k, v); a != nil {
				n.agg = a
			} else {
				ok = false
			}
		default:
			if !contains(keys, k) {
				bad(fmt.Sprintf("unknown key %s for %s", strconv.Quote(k), n.op))
			}
		}
	}
	if subjects != 1 {
		bad(`needs exactly one of "field", "countEvents", "sumOrders" or "countOrders"`)
	}
	for _, k := range keys {
		v, present := o.get(k)
		if !present {
			bad(fmt.Sprintf("missing %s", strconv.Quote(k)))
			continue
		}
		switch k {
		case keyValue:
			n.value, ok = p.literal(n.path+"."+k, v, ok)
		case keyMin:
			n.min, ok = p.literal(n.path+"."+k, v, ok)
		case keyMax:
			n.max, ok = p.literal(n.path+"."+k, v, ok)
		case keyValues:
			arr, isArr := v.([]any)
			if !isArr || len(arr) == 0 {
				p.ps.add(n.path+"."+k, "values must be a non-empty array")
				ok = false
				continue
			}
			if len(arr) > MaxListValues {
				p.ps.add(n.path+"."+k, fmt.Sprintf("more than %d values", MaxListValues))
				ok = false
				continue
			}
			n.values = make([]literal, len(arr))
			for i, e := range arr {
				n.values[i], ok = p.literal(n.path+"."+k+"["+strconv.Itoa(i)+"]", e, ok)
			}
		case keyDays:
			n.days, ok = p.days(n.path+"."+k, v, ok)
		case keyPattern:
			s, isStr := v.(string)
			if !isStr {
				p.ps.add(n.path+"."+k, "pattern must be a string")
				ok = false
				continue
			}
			n.pattern = s
		}
	}
	return ok
}

func (p *parser) aggregate(path, fn string, v any) *aggregate {
	o, isObj := v.(*jobject)
	if !isObj {
		p.ps.add(path, fn+" needs an object")
		return nil
	}
	a := &aggregate{fn: fn}
	ok := true
	seenWithin := false
	for i, k := range o.keys {
		v := o.vals[i]
		switch {
		case k == keyWithin:
			seenWithin = true
			a.withinDays, ok = p.days(path+"."+k, v, ok)
			if ok && a.withinDays == 0 {
				p.ps.add(path+"."+k, "withinDays must be at least 1")
				ok = false
			}
		case k == keyType && fn == aggCountEv, k == keyCategory && fn != aggCountEv:
			s, isStr := v.(string)
			if !isStr || s == "" {
				p.ps.add(path+"."+k, k+" must be a non-empty string")
				ok = false
				continue
			}
			if k == keyType {
				a.typ = s
			} else {
				a.category = s
			}
		default:
			p.ps.add(path, fmt.Sprintf("unknown key %s for %s", strconv.Quote(k), fn))
			ok = false
		}
	}
	if !seenWithin {
		p.ps.add(path, `missing "withinDays"`)
		ok = false
	}
	if fn == aggCountEv && a.typ == "" {
		if _, had := o.get(keyType); !had {
			p.ps.add(path, `missing "type"`)
		}
		ok = false
	}
	if !ok {
		return nil
	}
	return a
}

func (p *parser) literal(path string, v any, ok bool) (literal, bool) {
	switch x := v.(type) {
	case string:
		return literal{str: x}, ok
	case json.Number:
		f, fine := numberLiteral(x)
		if !fine {
			p.ps.add(path, "number out of range")
			return literal{}, false
		}
		return literal{isNum: true, num: f}, ok
	}
	p.ps.add(path, "value must be a string or a number, got "+jsonKind(v))
	return literal{}, false
}

func (p *parser) days(path string, v any, ok bool) (int, bool) {
	num, isNum := v.(json.Number)
	if !isNum {
		p.ps.add(path, "days must be an integer, got "+jsonKind(v))
		return 0, false
	}
	d, err := strconv.ParseInt(string(num), 10, 64)
	if err != nil || d < 0 || d > MaxDays {
		p.ps.add(path, fmt.Sprintf("days must be an integer in 0..%d", MaxDays))
		return 0, false
	}
	return int(d), ok
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
