package match

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"strings"
)

// pattern is a distinct comparison vector among the candidate pairs, with
// the set of blocking rules that hold for those pairs and their count.
type pattern struct {
	g    []uint8
	mask uint64
	n    float64
}

// patterns generates the candidate pairs and tallies their comparison
// vectors.
func (m *Model) patterns(ctx context.Context, a, b []Record, pa, pb [][]value) ([]pattern, error) {
	bl, err := newBlocker(m.fields, m.blocking, a, b)
	if err != nil {
		return nil, err
	}
	kb := bl.keysB
	if kb == nil {
		kb = bl.keysA
	}
	nc := len(m.comps)
	key := make([]byte, nc+8)
	counts := make(map[string]float64)
	err = bl.generate(ctx, func(p pair) {
		x, y := pa[p.I], pb[p.J]
		for c := range m.comps {
			key[c] = uint8(m.comps[c].level(x, y))
		}
		var mask uint64
		for r := range bl.rules {
			if k := bl.keysA[r][p.I]; k != "" && k == kb[r][p.J] {
				mask |= 1 << r
			}
		}
		binary.LittleEndian.PutUint64(key[nc:], mask)
		counts[string(key)]++
	})
	if err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]pattern, len(keys))
	for i, k := range keys {
		out[i] = pattern{g: []uint8(k[:nc]), mask: binary.LittleEndian.Uint64([]byte(k[nc:])), n: counts[k]}
	}
	return out, nil
}

// sessionResult is a session's EM estimate.
type sessionResult struct {
	ses    int         // index in Diagnostics.Sessions
	rule   int         // blocking rule
	active []int       // trained comparisons
	m      [][]float64 // per active comparison
	lambda float64     // match share among the session's pairs
}

// trainM runs one EM session per blocking rule and combines the results
// into m and λ. all is the number of possible pairs; nonNull the share of
// pairs where both values of each comparison are non-null; dependent[r]
// the comparisons determined by rule r's columns, left out of its session.
func (m *Model) trainM(s Settings, pats []pattern, d *Diagnostics, all float64, nonNull []float64, dependent [][]int) {
	var done []sessionResult
	for r, rule := range m.blocking {
		ses := Session{Rule: rule.String()}
		var active []int
		for c := range m.comps {
			switch {
			case slices.Contains(rule.Columns, m.comps[c].Field):
			case slices.Contains(dependent[r], c):
				ses.Dependent = append(ses.Dependent, m.comps[c].Field)
			default:
				active = append(active, c)
			}
		}
		sp := sessionPatterns(pats, r, active)
		for _, p := range sp {
			ses.Pairs += int64(p.n)
		}
		switch {
		case len(active) == 0:
			ses.Failure = "every compared field is in or determined by the rule"
		case ses.Pairs == 0:
			ses.Failure = "no candidate pairs"
		default:
			res := m.em(sp, active, s.MaxIterations, s.Tolerance)
			ses.Iterations, ses.Converged, ses.Lambda = res.iters, res.converged, res.lambda
			switch {
			case !res.converged:
				ses.Failure = fmt.Sprintf("EM did not converge in %d iterations", s.MaxIterations)
			case !res.finite:
				ses.Failure = "EM produced non-finite values"
			case res.lambda < 1e-9 || res.lambda > 1-1e-9:
				ses.Failure = "EM match share degenerated to 0 or 1"
			default:
				done = append(done, sessionResult{ses: len(d.Sessions), rule: r, active: active, m: res.m, lambda: res.lambda})
			}
		}
		d.Sessions = append(d.Sessions, ses)
	}
	// Average m over the sessions, convert their match shares to λ, and
	// drop sessions whose λ implies more matching pairs than blocking
	// produced candidates (EM absorbed non-matches into the match class);
	// then average again without them.
	for {
		m.averageM(done)
		var keep []sessionResult
		var odds []float64
		for _, sr := range done {
			lo := m.globalLogOdds(sr, d, all, nonNull)
			switch {
			case math.IsNaN(lo) || math.IsInf(lo, 0):
				d.Sessions[sr.ses].Failure = "match share cannot be converted to all pairs"
			case probability(lo)*all > float64(d.TotalPairs):
				d.Sessions[sr.ses].Failure = "EM match share implies more matches than candidate pairs"
			default:
				keep = append(keep, sr)
				odds = append(odds, lo)
			}
		}
		if len(keep) == len(done) {
			for _, sr := range done {
				for _, c := range sr.active {
					d.Sessions[sr.ses].Trained = append(d.Sessions[sr.ses].Trained, m.comps[c].Field)
				}
			}
			for c := range m.comps {
				if !slices.ContainsFunc(done, func(sr sessionResult) bool { return slices.Contains(sr.active, c) }) {
					d.Untrained = append(d.Untrained, m.comps[c].Field)
				}
			}
			if len(odds) == 0 {
				d.LambdaFromPrior = true
				return
			}
			m.lambda = probability(median(odds))
			if !(m.lambda > 0 && m.lambda < 1) {
				m.lambda = s.PriorMatch
				d.LambdaFromPrior = true
			}
			return
		}
		done = keep
	}
}

// sessionPatterns tallies the patterns rule r holds for over the active
// comparisons, in a deterministic order.
func sessionPatterns(pats []pattern, r int, active []int) []pattern {
	sub := make(map[string]float64)
	key := make([]byte, len(active))
	for _, p := range pats {
		if p.mask&(1<<r) == 0 {
			continue
		}
		for i, c := range active {
			key[i] = p.g[c]
		}
		sub[string(key)] += p.n
	}
	keys := make([]string, 0, len(sub))
	for k := range sub {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	sp := make([]pattern, len(keys))
	for i, k := range keys {
		sp[i] = pattern{g: []uint8(k), n: sub[k]}
	}
	return sp
}

// averageM sets each comparison's m to the mean over the sessions that
// trained it, or the prior when none did.
func (m *Model) averageM(done []sessionResult) {
	for c := range m.comps {
		var sum []float64
		n := 0
		for _, sr := range done {
			if i := slices.Index(sr.active, c); i >= 0 {
				if sum == nil {
					sum = make([]float64, len(sr.m[i]))
				}
				for l, v := range sr.m[i] {
					sum[l] += v
				}
				n++
			}
		}
		if n == 0 {
			m.m[c] = priorM(&m.comps[c].Comparison)
			continue
		}
		for l := range sum {
			sum[l] /= float64(n)
		}
		m.m[c] = sum
	}
}

// globalLogOdds converts a session's match share to the log2 odds that two
// random records match, removing the Bayes factor of the rule: m of the
// rule is the product over its compared columns of m(exact) times the
// chance both values are present; u of the rule is its share of all pairs.
func (m *Model) globalLogOdds(sr sessionResult, d *Diagnostics, all float64, nonNull []float64) float64 {
	rule := m.blocking[sr.rule]
	mRule := 1.0
	for c := range m.comps {
		cc := &m.comps[c]
		if slices.Contains(rule.Columns, cc.Field) && cc.Levels[0].Kind == Exact {
			mRule *= m.m[c][1] * nonNull[c]
		}
	}
	uRule := float64(d.Counts[sr.rule].Pairs) / all
	return logOdds2(sr.lambda) - math.Log2(mRule/uRule)
}

type emResult struct {
	m         [][]float64 // per active comparison
	lambda    float64
	iters     int
	converged bool
	finite    bool
}

// em estimates m (for the active comparisons) and the match share λ on
// the session's patterns with u fixed.
func (m *Model) em(pats []pattern, active []int, maxIter int, tol float64) emResult {
	na := len(active)
	cur := make([][]float64, na)
	next := make([][]float64, na)
	logU := make([][]float64, na)
	for i, c := range active {
		cur[i] = slices.Clone(m.m[c])
		next[i] = make([]float64, len(cur[i]))
		logU[i] = make([]float64, len(cur[i]))
		for l := 1; l < len(logU[i]); l++ {
			logU[i][l] = math.Log(m.u[c][l])
		}
	}
	lambda := 0.05
	res := emResult{finite: true}
	for it := 1; it <= maxIter; it++ {
		res.iters = it
		for i := range next {
			clear(next[i])
		}
		var matches, total float64
		for _, p := range pats {
			lm, lu := math.Log(lambda), math.Log(1-lambda)
			for i := range active {
				l := p.g[i]
				if l == nullLevel {
					continue
				}
				lm += math.Log(math.Max(cur[i][l], minM))
				lu += logU[i][l]
			}
			post := 1 / (1 + math.Exp(lu-lm))
			w := post * p.n
			matches += w
			total += p.n
			for i := range active {
				if l := p.g[i]; l != nullLevel {
					next[i][l] += w
				}
			}
		}
		newLambda := matches / total
		delta := math.Abs(newLambda - lambda)
		for i := range active {
			s := 0.0
			for l := 1; l < len(next[i]); l++ {
				s += next[i][l]
			}
			for l := 1; l < len(next[i]); l++ {
				v := cur[i][l]
				if s > 0 {
					v = next[i][l] / s
				}
				delta = math.Max(delta, math.Abs(v-cur[i][l]))
				cur[i][l] = v
			}
		}
		lambda = newLambda
		if math.IsNaN(delta) || math.IsNaN(lambda) {
			res.finite = false
			break
		}
		if lambda <= 0 || lambda >= 1 {
			break
		}
		if delta < tol {
			res.converged = true
			break
		}
	}
	res.m, res.lambda = cur, lambda
	return res
}

// String summarises the diagnostics, one line per rule and session.
func (d *Diagnostics) String() string {
	var b strings.Builder
	for _, c := range d.Counts {
		fmt.Fprintf(&b, "rule %s: %d pairs (%d new)\n", c.Rule, c.Pairs, c.NewPairs)
	}
	fmt.Fprintf(&b, "total candidate pairs: %d; u from %d random pairs\n", d.TotalPairs, d.USampled)
	for _, s := range d.Sessions {
		state := "used"
		if s.Failure != "" {
			state = "discarded: " + s.Failure
		}
		fmt.Fprintf(&b, "EM session %s: %d pairs, %d iterations, λ=%.4g, %s\n", s.Rule, s.Pairs, s.Iterations, s.Lambda, state)
		if len(s.Dependent) > 0 {
			fmt.Fprintf(&b, "  left out as determined by the rule: %s\n", strings.Join(s.Dependent, ","))
		}
	}
	if len(d.Untrained) > 0 {
		fmt.Fprintf(&b, "untrained fields (prior m): %s\n", strings.Join(d.Untrained, ","))
	}
	if d.LambdaFromPrior {
		b.WriteString("λ from prior: no EM session converged\n")
	}
	return b.String()
}
