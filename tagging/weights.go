package tagging

import (
	"math"
	"time"
)

// minScore is the score below which a weighted tag's state is dropped.
const minScore = 1e-9

// decay returns the factor by which a contribution shrinks over dt seconds
// with the given half-life in days.
func decay(dt int64, halfLifeDays float64) float64 {
	if dt <= 0 {
		return 1
	}
	return math.Exp2(-float64(dt) / (halfLifeDays * secondsPerDay))
}

// eventIncrement returns the summed increments of d's event sources that
// match e.
func eventIncrement(d *TagDef, e *Event) float64 {
	inc := 0.0
	for i := range d.Sources {
		s := &d.Sources[i]
		if s.On != "event" || (s.Type != "" && s.Type != e.Type) {
			continue
		}
		if s.Category != "" && e.Properties["category"] != s.Category {
			continue
		}
		inc += s.Increment
	}
	return inc
}

// orderIncrement returns the summed increments of d's order sources that
// match o.
func orderIncrement(d *TagDef, o *Order) float64 {
	inc := 0.0
	for i := range d.Sources {
		s := &d.Sources[i]
		if s.On == "order" && hasCategory(o, s.Category) {
			inc += s.Increment
		}
	}
	return inc
}

// batchScore recomputes a weighted tag's score at now from the whole
// history; contributions after now are ignored.
func batchScore(d *TagDef, c *Customer, now int64) float64 {
	score := 0.0
	for i := range c.Events {
		e := &c.Events[i]
		t := e.Time.Unix()
		if t > now {
			continue
		}
		if inc := eventIncrement(d, e); inc > 0 {
			score += inc * decay(now-t, d.HalfLifeDays)
		}
	}
	for i := range c.Orders {
		o := &c.Orders[i]
		t := o.Time.Unix()
		if t > now {
			continue
		}
		if inc := orderIncrement(d, o); inc > 0 {
			score += inc * decay(now-t, d.HalfLifeDays)
		}
	}
	return score
}

// priorScore decays the stored state of weighted tag d to now.
func priorScore(d *TagDef, c *Customer, now int64) float64 {
	for i := range c.Weights {
		w := &c.Weights[i]
		if w.Tag == d.Name {
			return w.Score * decay(now-w.At.Unix(), d.HalfLifeDays)
		}
	}
	return 0
}

// activity is the one new event or order of an incremental evaluation.
type activity struct {
	event *Event
	order *Order
}

// incrementalScore is priorScore plus the new activity's contribution; an
// activity stamped after now counts as happening now.
func incrementalScore(d *TagDef, c *Customer, now int64, a activity) float64 {
	score := priorScore(d, c, now)
	var inc float64
	var t time.Time
	if a.event != nil {
		inc, t = eventIncrement(d, a.event), a.event.Time
	} else {
		inc, t = orderIncrement(d, a.order), a.order.Time
	}
	if inc > 0 {
		score += inc * decay(now-t.Unix(), d.HalfLifeDays)
	}
	return score
}
