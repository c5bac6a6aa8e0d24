package tagging

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	cimkit "github.com/cimkit/cimkit/tagging"
	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/interpreter"
)

// The same 4-predicate rule in the three languages.
const (
	cimkitRule = `{"all":[{"gte":{"field":"rfm.m","value":4}},{"in":{"field":"membership_level","values":["gold","platinum"]}},{"gt":{"field":"points","value":1000}},{"eq":{"field":"gender","value":"f"}}]}`
	celRule    = `rfm_m >= 4 && membership_level in ["gold", "platinum"] && points > 1000 && gender == "f"`
	exprRule   = `RfmM >= 4 && MembershipLevel in ["gold", "platinum"] && Points > 1000 && Gender == "f"`
)

var now = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// exprEnv is the customer as expr sees it.
type exprEnv struct {
	RfmM            int
	MembershipLevel string
	Points          int
	Gender          string
}

type engines struct {
	rule    *cimkit.Rule
	celPrg  cel.Program
	exprPrg *vm.Program
}

func compileAll(tb testing.TB) engines {
	tb.Helper()
	rule, err := cimkit.CompileJSON([]byte(cimkitRule), nil)
	if err != nil {
		tb.Fatal(err)
	}
	env, err := cel.NewEnv(
		cel.Variable("rfm_m", cel.IntType),
		cel.Variable("membership_level", cel.StringType),
		cel.Variable("points", cel.IntType),
		cel.Variable("gender", cel.StringType),
	)
	if err != nil {
		tb.Fatal(err)
	}
	ast, iss := env.Compile(celRule)
	if iss.Err() != nil {
		tb.Fatal(iss.Err())
	}
	prg, err := env.Program(ast)
	if err != nil {
		tb.Fatal(err)
	}
	ep, err := expr.Compile(exprRule, expr.Env(exprEnv{}), expr.AsBool())
	if err != nil {
		tb.Fatal(err)
	}
	return engines{rule, prg, ep}
}

type sample struct {
	c    cimkit.Customer
	act  interpreter.Activation
	env  exprEnv
	want bool
}

func newSample(m int, level string, points int, gender string) sample {
	return sample{
		c: cimkit.Customer{ID: "c", RFM: cimkit.RFM{R: 3, F: 3, M: m}, MembershipLevel: level, Points: int64(points), Gender: gender},
		act: mustActivation(map[string]any{
			"rfm_m": int64(m), "membership_level": level, "points": int64(points), "gender": gender,
		}),
		env: exprEnv{RfmM: m, MembershipLevel: level, Points: points, Gender: gender},
	}
}

func mustActivation(vars map[string]any) interpreter.Activation {
	a, err := interpreter.NewActivation(vars)
	if err != nil {
		panic(err)
	}
	return a
}

func (e engines) eval(s *sample, machine *vm.VM) (cimkitOut, celOut, exprOut bool, err error) {
	cimkitOut = e.rule.Eval(&s.c, now)
	v, _, err := e.celPrg.Eval(s.act)
	if err != nil {
		return
	}
	celOut = v.Value().(bool)
	out, err := machine.Run(e.exprPrg, s.env)
	if err != nil {
		return
	}
	exprOut = out.(bool)
	return
}

// TestEnginesAgree cross-checks the three engines on random customers.
func TestEnginesAgree(t *testing.T) {
	e := compileAll(t)
	rng := rand.New(rand.NewPCG(3, 4))
	levels := []string{"gold", "platinum", "silver", "golden"}
	genders := []string{"f", "m", "F"}
	var machine vm.VM
	trues := 0
	for i := range 2000 {
		s := newSample(1+rng.IntN(5), levels[rng.IntN(4)], rng.IntN(2000), genders[rng.IntN(3)])
		a, b, c, err := e.eval(&s, &machine)
		if err != nil {
			t.Fatal(err)
		}
		if a != b || a != c {
			t.Fatalf("sample %d: cimkit %v cel %v expr %v", i, a, b, c)
		}
		if a {
			trues++
		}
	}
	if trues == 0 || trues == 2000 {
		t.Fatalf("degenerate sample: %d true", trues)
	}
}

// BenchmarkRule evaluates the same matching customer in each engine. The
// peers get their best case: a prebuilt activation (cel-go) and a reused
// VM over a typed struct (expr).
func BenchmarkRule(b *testing.B) {
	e := compileAll(b)
	s := newSample(4, "gold", 1500, "f")
	b.Run("cimkit", func(b *testing.B) {
		b.ReportAllocs()
		cpu0 := cpuNanos()
		for b.Loop() {
			if !e.rule.Eval(&s.c, now) {
				b.Fatal("false")
			}
		}
		reportCPU(b, cpu0)
	})
	b.Run("cel-go", func(b *testing.B) {
		b.ReportAllocs()
		cpu0 := cpuNanos()
		for b.Loop() {
			v, _, err := e.celPrg.Eval(s.act)
			if err != nil || v.Value() != true {
				b.Fatal(fmt.Sprint(v, err))
			}
		}
		reportCPU(b, cpu0)
	})
	b.Run("expr", func(b *testing.B) {
		b.ReportAllocs()
		var machine vm.VM
		cpu0 := cpuNanos()
		for b.Loop() {
			out, err := machine.Run(e.exprPrg, s.env)
			if err != nil || out != true {
				b.Fatal(fmt.Sprint(out, err))
			}
		}
		reportCPU(b, cpu0)
	})
}

// reportCPU adds the process CPU time per operation, which on a shared
// machine is a steadier measure than wall time (it excludes steal time).
func reportCPU(b *testing.B, cpu0 int64) {
	if cpu0 > 0 {
		b.ReportMetric(float64(cpuNanos()-cpu0)/float64(b.N), "cpu-ns/op")
	}
}
