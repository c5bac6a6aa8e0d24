package tagging

import (
	"context"
	"iter"
	"log/slog"
	"slices"
	"sync"
	"time"
)

// Options configures an Engine. The zero value (or nil) means: wall clock,
// no notifier, no consent check, slog.Default.
type Options struct {
	// Clock returns the evaluation instant; defaults to time.Now.
	Clock func() time.Time
	// Notifier receives trigger actions; nil drops them.
	Notifier Notifier
	// Consent is asked before each trigger with a purpose; nil allows all.
	Consent ConsentChecker
	// Logger receives debug records about suppressed triggers.
	Logger *slog.Logger
}

// Engine evaluates a RuleSet in batch or incrementally and fires its
// triggers. It is safe for concurrent use. It remembers, per trigger and
// customer, when a trigger last fired, so memory grows with the
// number of customers that ever fired a trigger.
type Engine struct {
	rs   *RuleSet
	opts Options
	log  *slog.Logger
	pool sync.Pool

	mu    sync.Mutex
	fired map[firedKey]int64
}

// NewEngine returns an engine for rs. opts may be nil.
func NewEngine(rs *RuleSet, opts *Options) *Engine {
	e := &Engine{rs: rs, fired: map[firedKey]int64{}}
	if opts != nil {
		e.opts = *opts
	}
	if e.opts.Clock == nil {
		e.opts.Clock = time.Now
	}
	e.log = e.opts.Logger
	if e.log == nil {
		e.log = slog.Default()
	}
	e.pool.New = func() any { return rs.newEvaluator() }
	return e
}

// RuleSet returns the engine's rule set.
func (e *Engine) RuleSet() *RuleSet { return e.rs }

// Evaluate computes c's tags from its whole history at the engine clock's
// now and fires the triggers of the tags it entered or left. The Result is
// returned even when a trigger fails; the error joins the failures.
func (e *Engine) Evaluate(ctx context.Context, c *Customer) (Result, error) {
	return e.evalOne(ctx, c, nil, e.opts.Clock())
}

// EvaluateAll evaluates every customer of the sequence at one instant (the
// clock is read once) and yields each Result with the error of its
// triggers. It stops when ctx is cancelled, yielding ctx.Err().
func (e *Engine) EvaluateAll(ctx context.Context, customers iter.Seq[*Customer]) iter.Seq2[Result, error] {
	return func(yield func(Result, error) bool) {
		now := e.opts.Clock()
		clk := newClock(now, e.rs.needDate)
		ev := e.rs.newEvaluator()
		for c := range customers {
			if err := ctx.Err(); err != nil {
				yield(Result{}, err)
				return
			}
			ev.run(c, clk, nil)
			r := ev.result(c, now)
			err := e.fire(ctx, &r, now)
			if !yield(r, err) {
				return
			}
		}
	}
}

// OnEvent evaluates c incrementally after event ev: c is the snapshot
// before the event (history without ev, Tags and Weights from the previous
// Result). Weighted tags are updated from c.Weights instead of replaying
// the history; dynamic rules see the history with ev appended. For events
// fed in time order the tag set equals a batch evaluation of the full
// history. c is not modified.
func (e *Engine) OnEvent(ctx context.Context, c *Customer, ev Event) (Result, error) {
	next := *c
	next.Events = append(slices.Clip(c.Events), ev)
	return e.evalOne(ctx, &next, &activity{event: &next.Events[len(next.Events)-1]}, e.opts.Clock())
}

// OnOrder is OnEvent for a new order.
func (e *Engine) OnOrder(ctx context.Context, c *Customer, o Order) (Result, error) {
	next := *c
	next.Orders = append(slices.Clip(c.Orders), o)
	return e.evalOne(ctx, &next, &activity{order: &next.Orders[len(next.Orders)-1]}, e.opts.Clock())
}

func (e *Engine) evalOne(ctx context.Context, c *Customer, a *activity, now time.Time) (Result, error) {
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	ev := e.pool.Get().(*evaluator)
	ev.run(c, newClock(now, e.rs.needDate), a)
	r := ev.result(c, now)
	e.pool.Put(ev)
	return r, e.fire(ctx, &r, now)
}
