package tagging

// Comparisons are false when the subject is missing, including ne: use
// "exists" or "not" to test for absence explicitly.

func strCompare(op string, f strFn, lits []literal) predFn {
	switch op {
	case opEq:
		want := lits[0].str
		return func(c *Customer, _ clock, _ *tagState) bool {
			v, ok := f(c)
			return ok && v == want
		}
	case opNe:
		want := lits[0].str
		return func(c *Customer, _ clock, _ *tagState) bool {
			v, ok := f(c)
			return ok && v != want
		}
	}
	if len(lits) > 8 {
		set := make(map[string]struct{}, len(lits))
		for _, l := range lits {
			set[l.str] = struct{}{}
		}
		return func(c *Customer, _ clock, _ *tagState) bool {
			v, ok := f(c)
			if !ok {
				return false
			}
			_, in := set[v]
			return in
		}
	}
	list := make([]string, len(lits))
	for i, l := range lits {
		list[i] = l.str
	}
	return func(c *Customer, _ clock, _ *tagState) bool {
		v, ok := f(c)
		if !ok {
			return false
		}
		for _, w := range list {
			if v == w {
				return true
			}
		}
		return false
	}
}

func numCompare(op string, f numFn, lits []literal) predFn {
	switch op {
	case opEq:
		want := lits[0].num
		return func(c *Customer, now clock, st *tagState) bool {
			v, ok := f(c, now, st)
			return ok && v == want
		}
	case opNe:
		want := lits[0].num
		return func(c *Customer, now clock, st *tagState) bool {
			v, ok := f(c, now, st)
			return ok && v != want
		}
	}
	list := make([]float64, len(lits))
	for i, l := range lits {
		list[i] = l.num
	}
	return func(c *Customer, now clock, st *tagState) bool {
		v, ok := f(c, now, st)
		if !ok {
			return false
		}
		for _, w := range list {
			if v == w {
				return true
			}
		}
		return false
	}
}

func numOrder(op string, f numFn, lits []literal) predFn {
	a := lits[0].num
	switch op {
	case opGt:
		return func(c *Customer, now clock, st *tagState) bool {
			v, ok := f(c, now, st)
			return ok && v > a
		}
	case opGte:
		return func(c *Customer, now clock, st *tagState) bool {
			v, ok := f(c, now, st)
			return ok && v >= a
		}
	case opLt:
		return func(c *Customer, now clock, st *tagState) bool {
			v, ok := f(c, now, st)
			return ok && v < a
		}
	case opLte:
		return func(c *Customer, now clock, st *tagState) bool {
			v, ok := f(c, now, st)
			return ok && v <= a
		}
	}
	b := lits[1].num
	return func(c *Customer, now clock, st *tagState) bool {
		v, ok := f(c, now, st)
		return ok && v >= a && v <= b
	}
}
