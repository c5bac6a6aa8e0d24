package synth

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

func (g *gen) people(d *Dataset) {
	nPersons := int(math.Round(float64(g.cfg.Customers) * (1 - g.cfg.DuplicateRate)))
	nPersons = max(1, min(nPersons, g.cfg.Customers))
	d.Persons = make([]Person, nPersons)
	for i := range d.Persons {
		d.Persons[i] = g.person(i, d.Persons[:i])
	}
	// Order weights: a heavy tail (Pareto), so a few people buy most.
	g.weights = make([]float64, nPersons)
	g.cumW = make([]float64, nPersons)
	total := 0.0
	for i := range g.weights {
		g.weights[i] = 1 / math.Pow(1-g.r.Float64()*0.999, 1/1.3)
		total += g.weights[i]
		g.cumW[i] = total
	}
	// Every person gets one record; the remaining records go to people
	// in proportion to how much they buy (big buyers use more channels).
	owners := make([]int, 0, g.cfg.Customers)
	for i := range nPersons {
		owners = append(owners, i)
	}
	for len(owners) < g.cfg.Customers {
		owners = append(owners, g.weightedPerson())
	}
	g.byPerson = make([][]int, nPersons)
	d.Records = make([]Record, len(owners))
	for i, p := range owners {
		first := len(g.byPerson[p]) == 0
		g.byPerson[p] = append(g.byPerson[p], i)
		d.Records[i] = g.record(i, &d.Persons[p], first)
	}
	// Records arrive in time order, as an import would see them.
	order := make([]int, len(d.Records))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return d.Records[a].RegisteredAt.Compare(d.Records[b].RegisteredAt) })
	sorted := make([]Record, len(d.Records))
	newIndex := make([]int, len(d.Records))
	for to, from := range order {
		sorted[to] = d.Records[from]
		sorted[to].ID = fmt.Sprintf("r%07d", to+1)
		newIndex[from] = to
	}
	d.Records = sorted
	for p := range g.byPerson {
		for k, old := range g.byPerson[p] {
			g.byPerson[p][k] = newIndex[old]
		}
		slices.Sort(g.byPerson[p])
	}
}

func (g *gen) weightedPerson() int {
	x := g.r.Float64() * g.cumW[len(g.cumW)-1]
	i, _ := slices.BinarySearch(g.cumW, x)
	return min(i, len(g.cumW)-1)
}

func (g *gen) person(i int, earlier []Person) Person {
	p := Person{ID: fmt.Sprintf("p%07d", i+1)}
	p.Name = surnames[g.pick(surnameWeights)]
	for range 1 + g.r.IntN(2) {
		p.Name += givenChars[g.r.IntN(len(givenChars))]
	}
	p.Gender = "M"
	if g.chance(0.52) {
		p.Gender = "F"
	}
	p.BirthDate = g.between(time.Date(1955, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2006, 1, 1, 0, 0, 0, 0, time.UTC)).Truncate(24 * time.Hour)
	p.First = g.between(g.cfg.Start, g.cfg.End.Add(-30*24*time.Hour))
	p.Place = g.r.IntN(len(places))
	pl := places[p.Place]
	p.Street = fmt.Sprintf("%s%d号", pl.streets[g.r.IntN(len(pl.streets))], 1+g.r.IntN(300))
	if g.chance(0.6) {
		p.Email = g.emailLocal() + "@" + emailDomains[g.r.IntN(len(emailDomains))]
	}
	if g.chance(0.5) {
		p.MemberID = fmt.Sprintf("M%08d", g.r.IntN(100000000))
	}
	p.Device = fmt.Sprintf("dev-%016x", g.r.Uint64())
	switch {
	case len(earlier) > 10 && g.chance(0.04):
		// A household: shares the device (family tablet) and address of
		// someone already known.
		o := earlier[g.r.IntN(len(earlier))]
		p.Device, p.Place, p.Street = o.Device, o.Place, o.Street
	}
	switch {
	case g.chance(0.04):
		// No phone at all: known by device only.
	case len(earlier) > 10 && g.chance(0.01):
		// A recycled number: an earlier person's phone reassigned by the
		// carrier long after they stopped using it.
		o := &earlier[g.r.IntN(len(earlier))]
		if o.Phone != "" && o.PhoneUntil.IsZero() && o.First.Add(400*24*time.Hour).Before(g.cfg.End.Add(-30*24*time.Hour)) {
			p.Phone = o.Phone
			p.First = g.between(o.First.Add(400*24*time.Hour), g.cfg.End.Add(-30*24*time.Hour))
			// The earlier owner cancelled the number; carriers quarantine
			// a number before reissuing it, and the new owner registers
			// with the shop some time after: 180 to 360 days in all. The
			// earlier owner's later records carry their new number.
			o.PhoneUntil = p.First.Add(-time.Duration(180+g.extra.IntN(181)) * 24 * time.Hour)
			o.NextPhone = g.newPhoneFrom(g.extra)
		} else {
			p.Phone = g.newPhone()
		}
	default:
		p.Phone = g.newPhone()
	}
	return p
}

func (g *gen) newPhone() string { return g.newPhoneFrom(g.r) }

func (g *gen) newPhoneFrom(r *rand.Rand) string {
	for {
		n := mobilePrefixes[r.IntN(len(mobilePrefixes))] + fmt.Sprintf("%08d", r.IntN(100000000))
		if !g.usedPhones[n] && !slices.Contains(placeholderPhones, n) {
			g.usedPhones[n] = true
			return n
		}
	}
}

func (g *gen) emailLocal() string {
	if g.chance(0.35) {
		return fmt.Sprintf("%d", 10000000+g.r.IntN(2000000000)) // QQ number
	}
	const letters = "abcdefghijklmnopqrstuvwxyz"
	var b strings.Builder
	for range 4 + g.r.IntN(6) {
		b.WriteByte(letters[g.r.IntN(len(letters))])
	}
	if g.chance(0.5) {
		fmt.Fprintf(&b, "%d", g.r.IntN(2000))
	}
	return b.String()
}
