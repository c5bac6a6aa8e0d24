package rfm

import (
	"math"
	"slices"
)

// Fit reports how a maximum-likelihood fit ended.
type Fit struct {
	LogLikelihood float64 // total log-likelihood at the estimate
	Iterations    int     // Nelder-Mead iterations over all restarts
	Evaluations   int     // objective evaluations
	Converged     bool    // simplex shrank below tolerance before MaxIter
}

// FitOptions controls the optimiser. nil means defaults.
type FitOptions struct {
	MaxIter int     // per restart; 0 means 4000
	Tol     float64 // on objective spread and simplex size; 0 means 1e-10
}

func (o *FitOptions) get() (int, float64) {
	it, tol := 4000, 1e-10
	if o != nil && o.MaxIter > 0 {
		it = o.MaxIter
	}
	if o != nil && o.Tol > 0 {
		tol = o.Tol
	}
	return it, tol
}

// maxLogParam bounds the log-parameters: a likelihood that keeps improving
// towards a degenerate model (e.g. BG/NBD a, b -> infinity when every
// customer has the same drop-out probability) stops at e^±15 instead of
// drifting forever; such a fit reports the bound in its parameters.
const maxLogParam = 15

// nelderMead minimises f from x0 with the standard coefficients (reflection
// 1, expansion 2, contraction 0.5, shrink 0.5), restarting from the best
// point until a restart no longer improves. Non-finite objective values are
// treated as +Inf, so the returned point always has a finite value when x0
// does.
func nelderMead(f func([]float64) float64, x0 []float64, step float64, maxIter int, tol float64) ([]float64, float64, Fit) {
	var fit Fit
	eval := func(x []float64) float64 {
		fit.Evaluations++
		for _, v := range x {
			if math.Abs(v) > maxLogParam {
				return math.Inf(1)
			}
		}
		v := f(x)
		if math.IsNaN(v) {
			return math.Inf(1)
		}
		return v
	}
	best := slices.Clone(x0)
	fbest := eval(best)
	for restart := 0; restart < 5; restart++ {
		x, fx, it, conv := nmRun(eval, best, fbest, step, maxIter, tol)
		fit.Iterations += it
		fit.Converged = conv
		improved := fbest-fx > tol*(1+math.Abs(fx))
		if fx <= fbest {
			best, fbest = x, fx
		}
		if !improved {
			break
		}
	}
	fit.LogLikelihood = -fbest
	return best, fbest, fit
}

func nmRun(eval func([]float64) float64, x0 []float64, f0, step float64, maxIter int, tol float64) ([]float64, float64, int, bool) {
	n := len(x0)
	pts := make([][]float64, n+1)
	vals := make([]float64, n+1)
	pts[0], vals[0] = slices.Clone(x0), f0
	for i := 1; i <= n; i++ {
		p := slices.Clone(x0)
		p[i-1] += step
		pts[i], vals[i] = p, eval(p)
	}
	order := make([]int, n+1)
	cen := make([]float64, n)
	at := func(c float64, worst []float64) []float64 {
		p := make([]float64, n)
		for j := range p {
			p[j] = cen[j] + c*(worst[j]-cen[j])
		}
		return p
	}
	for it := 1; it <= maxIter; it++ {
		for i := range order {
			order[i] = i
		}
		slices.SortStableFunc(order, func(a, b int) int {
			switch {
			case vals[a] < vals[b]:
				return -1
			case vals[a] > vals[b]:
				return 1
			}
			return 0
		})
		bi, wi, si := order[0], order[n], order[n-1]
		// Convergence: values and points within tolerance of the best.
		spread, size := 0.0, 0.0
		for _, i := range order[1:] {
			spread = max(spread, math.Abs(vals[i]-vals[bi]))
			for j := range n {
				size = max(size, math.Abs(pts[i][j]-pts[bi][j]))
			}
		}
		if !math.IsInf(vals[wi], 1) && spread <= tol*(1+math.Abs(vals[bi])) && size <= math.Sqrt(tol) {
			return pts[bi], vals[bi], it, true
		}
		for j := range n {
			cen[j] = 0
			for _, i := range order[:n] {
				cen[j] += pts[i][j]
			}
			cen[j] /= float64(n)
		}
		xr := at(-1, pts[wi])
		fr := eval(xr)
		switch {
		case fr < vals[bi]:
			xe := at(-2, pts[wi])
			if fe := eval(xe); fe < fr {
				pts[wi], vals[wi] = xe, fe
			} else {
				pts[wi], vals[wi] = xr, fr
			}
		case fr < vals[si]:
			pts[wi], vals[wi] = xr, fr
		default:
			var xc []float64
			if fr < vals[wi] {
				xc = at(-0.5, pts[wi]) // outside contraction
			} else {
				xc = at(0.5, pts[wi]) // inside contraction
			}
			if fc := eval(xc); fc < min(fr, vals[wi]) {
				pts[wi], vals[wi] = xc, fc
				continue
			}
			for _, i := range order[1:] {
				for j := range n {
					pts[i][j] = pts[bi][j] + 0.5*(pts[i][j]-pts[bi][j])
				}
				vals[i] = eval(pts[i])
			}
		}
	}
	b := 0
	for i := range vals {
		if vals[i] < vals[b] {
			b = i
		}
	}
	return pts[b], vals[b], maxIter, false
}
