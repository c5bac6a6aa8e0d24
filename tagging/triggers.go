package tagging

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Notification is one trigger firing, delivered to a Notifier.
type Notification struct {
	// Key is the idempotency key: the same trigger, customer, transition
	// and epoch-aligned window of WindowDays always give the same key, so a
	// host that retries or runs several engines can drop duplicates. Two
	// legitimate firings are at least a window apart, so their keys differ.
	Key        string
	Trigger    string
	Action     string
	Tag        string
	Transition string // "enter" or "leave"
	CustomerID string
	At         time.Time
}

// Notifier delivers trigger actions to the host (a message queue, a
// campaign tool ...). Notify must be safe for concurrent use; a returned
// error means not delivered, and the trigger may fire again.
type Notifier interface {
	Notify(ctx context.Context, n Notification) error
}

// ConsentChecker answers whether the customer consents to contact for a
// purpose; the privacy package implements it. A false answer suppresses the
// trigger; an error is returned to the caller and nothing is sent.
type ConsentChecker interface {
	Allowed(ctx context.Context, customerID, purpose string) (bool, error)
}

// firedKey identifies a trigger for one customer.
type firedKey struct{ trigger, customer string }

// fire delivers the triggers matching r's transitions, at most once per
// customer per trigger window.
func (e *Engine) fire(ctx context.Context, r *Result, now time.Time) error {
	var errs []error
	for i := range e.rs.triggers {
		t := &e.rs.triggers[i]
		moved := r.Entered
		if t.On == "leave" {
			moved = r.Left
		}
		if !containsSorted(moved, t.Tag) {
			continue
		}
		span := int64(t.WindowDays) * secondsPerDay
		k := firedKey{t.Name, r.CustomerID}
		if !e.reserve(k, now.Unix(), span) {
			continue
		}
		if err := e.deliver(ctx, t, r.CustomerID, floorDiv(now.Unix(), span), now); err != nil {
			e.release(k, now.Unix())
			errs = append(errs, fmt.Errorf("trigger %s: %w", strconv.Quote(t.Name), err))
		}
	}
	return errors.Join(errs...)
}

var errSuppressed = errors.New("suppressed")

func (e *Engine) deliver(ctx context.Context, t *Trigger, customerID string, window int64, now time.Time) error {
	if e.opts.Consent != nil && t.Purpose != "" {
		ok, err := e.opts.Consent.Allowed(ctx, customerID, t.Purpose)
		if err != nil {
			return fmt.Errorf("consent check: %w", err)
		}
		if !ok {
			e.log.DebugContext(ctx, "tagging: trigger suppressed by consent", "trigger", t.Name, "purpose", t.Purpose)
			// keep the reservation: no consent means no message this window
			return nil
		}
	}
	if e.opts.Notifier == nil {
		return nil
	}
	n := Notification{
		Key:     idempotencyKey(t.Name, customerID, t.On, window),
		Trigger: t.Name, Action: t.Action, Tag: t.Tag, Transition: t.On,
		CustomerID: customerID, At: now,
	}
	return e.opts.Notifier.Notify(ctx, n)
}

// reserve marks trigger k as fired at now unless it fired less than span
// seconds before (or, with a clock that went back, after now).
func (e *Engine) reserve(k firedKey, now, span int64) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if last, ok := e.fired[k]; ok && now-last < span {
		return false
	}
	e.fired[k] = now
	return true
}

// release undoes the reservation made at now after a failed delivery.
func (e *Engine) release(k firedKey, now int64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if last, ok := e.fired[k]; ok && last == now {
		delete(e.fired, k)
	}
}

func idempotencyKey(trigger, customer, on string, window int64) string {
	h := sha256.New()
	for _, s := range []string{trigger, customer, on, strconv.FormatInt(window, 10)} {
		h.Write([]byte(strconv.Itoa(len(s))))
		h.Write([]byte{':'})
		h.Write([]byte(s))
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

func containsSorted(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
