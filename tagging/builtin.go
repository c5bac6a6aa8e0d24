package tagging

// Built-in scalar fields are read through a switch on a small id instead of
// an accessor closure: a predictable branch is cheaper than an indirect call
// in the hot path.

type builtinField uint8

const (
	bfNone builtinField = iota
	bfID
	bfGender
	bfLevel
	bfSegment
	bfPoints
	bfR
	bfF
	bfM
)

var builtinIDs = map[string]builtinField{
	"id": bfID, "gender": bfGender, "membership_level": bfLevel, "rfm.segment": bfSegment,
	"points": bfPoints, "rfm.r": bfR, "rfm.f": bfF, "rfm.m": bfM,
}

func builtinStr(c *Customer, f builtinField) (string, bool) {
	switch f {
	case bfID:
		return c.ID, true
	case bfGender:
		return c.Gender, c.Gender != ""
	case bfLevel:
		return c.MembershipLevel, c.MembershipLevel != ""
	default:
		return c.RFM.Segment, c.RFM.Segment != ""
	}
}

func builtinNum(c *Customer, f builtinField) (float64, bool) {
	switch f {
	case bfPoints:
		return float64(c.Points), true
	case bfR:
		return float64(c.RFM.R), c.RFM.R != 0
	case bfF:
		return float64(c.RFM.F), c.RFM.F != 0
	default:
		return float64(c.RFM.M), c.RFM.M != 0
	}
}

func builtinStrCompare(op string, id builtinField, lits []literal) predFn {
	switch op {
	case opEq:
		want := lits[0].str
		return func(c *Customer, _ clock, _ *tagState) bool {
			v, ok := builtinStr(c, id)
			return ok && v == want
		}
	case opNe:
		want := lits[0].str
		return func(c *Customer, _ clock, _ *tagState) bool {
			v, ok := builtinStr(c, id)
			return ok && v != want
		}
	}
	if len(lits) > 8 {
		return strCompare(op, func(c *Customer) (string, bool) { return builtinStr(c, id) }, lits)
	}
	list := make([]string, len(lits))
	for i, l := range lits {
		list[i] = l.str
	}
	return func(c *Customer, _ clock, _ *tagState) bool {
		v, ok := builtinStr(c, id)
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

func builtinNumCompare(op string, id builtinField, lits []literal) predFn {
	a := lits[0].num
	switch op {
	case opEq:
		return func(c *Customer, _ clock, _ *tagState) bool { v, ok := builtinNum(c, id); return ok && v == a }
	case opNe:
		return func(c *Customer, _ clock, _ *tagState) bool { v, ok := builtinNum(c, id); return ok && v != a }
	case opGt:
		return func(c *Customer, _ clock, _ *tagState) bool { v, ok := builtinNum(c, id); return ok && v > a }
	case opGte:
		return func(c *Customer, _ clock, _ *tagState) bool { v, ok := builtinNum(c, id); return ok && v >= a }
	case opLt:
		return func(c *Customer, _ clock, _ *tagState) bool { v, ok := builtinNum(c, id); return ok && v < a }
	case opLte:
		return func(c *Customer, _ clock, _ *tagState) bool { v, ok := builtinNum(c, id); return ok && v <= a }
	case opBetween:
		b := lits[1].num
		return func(c *Customer, _ clock, _ *tagState) bool {
			v, ok := builtinNum(c, id)
			return ok && v >= a && v <= b
		}
	}
	return numCompare(op, func(c *Customer, _ clock, _ *tagState) (float64, bool) { return builtinNum(c, id) }, lits)
}
