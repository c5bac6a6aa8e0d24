package rfm

import (
	"fmt"
	"math"
	"slices"
)

// CLVOptions configures lifetime value.
type CLVOptions struct {
	// HorizonMonths is the number of months summed (lifetimes' time); 0
	// means 12. A month is 30 days or 4.345 weeks.
	HorizonMonths int
	// MonthlyDiscount is the discount rate per month (lifetimes'
	// discount_rate); 0.01 means 1%.
	MonthlyDiscount float64
}

// CLV returns a customer's discounted lifetime value over the horizon, as
// lifetimes' customer_lifetime_value computes it: for each month i, the
// expected purchases in that month times the expected spend, divided by
// (1+d)^i. Times are in the period of the summaries.
func CLV(bg BGNBD, gg GammaGamma, period Period, x, tx, T, monetary float64, opts CLVOptions) float64 {
	h := opts.HorizonMonths
	if h == 0 {
		h = 12
	}
	spend := gg.ExpectedSpend(x, monetary)
	ml := period.monthLen()
	var clv, prev float64
	for i := 1; i <= h; i++ {
		e := bg.ExpectedPurchases(float64(i)*ml, x, tx, T)
		clv += spend * (e - prev) / math.Pow(1+opts.MonthlyDiscount, float64(i))
		prev = e
	}
	if math.IsNaN(clv) || math.IsInf(clv, 0) {
		return 0
	}
	return clv
}

// RiskLevel is one churn-risk level: customers whose probability alive is at
// least MinPAlive (and below the next level's) get Name.
type RiskLevel struct {
	Name      string  `json:"name"`
	MinPAlive float64 `json:"min_p_alive"`
}

// RiskTable is churn-risk thresholds as data, from the least to the most at
// risk, e.g. low >= 0.7, medium >= 0.3, high >= 0.
type RiskTable []RiskLevel

// DefaultRisk is low (P(alive) >= 0.7), medium (>= 0.3), high (otherwise).
func DefaultRisk() RiskTable {
	return RiskTable{{"low", 0.7}, {"medium", 0.3}, {"high", 0}}
}

// Validate checks the table: names set, thresholds strictly descending in
// [0, 1], the last 0 so every probability has a level.
func (t RiskTable) Validate() error {
	if len(t) == 0 {
		return invalid("risk", "empty table", "")
	}
	for i, l := range t {
		if l.Name == "" {
			return invalid("risk", fmt.Sprintf("level %d has no name", i+1), "")
		}
		if !(l.MinPAlive >= 0 && l.MinPAlive <= 1) {
			return invalid("risk", fmt.Sprintf("level %d threshold outside [0, 1]", i+1), "")
		}
		if i > 0 && !(l.MinPAlive < t[i-1].MinPAlive) {
			return invalid("risk", "thresholds not strictly descending", "")
		}
	}
	if t[len(t)-1].MinPAlive != 0 {
		return invalid("risk", "last threshold must be 0 to cover every probability", "")
	}
	return nil
}

// Level returns the name of the level for probability alive p.
func (t RiskTable) Level(p float64) string {
	i := slices.IndexFunc(t, func(l RiskLevel) bool { return p >= l.MinPAlive })
	if i < 0 {
		return t[len(t)-1].Name
	}
	return t[i].Name
}
