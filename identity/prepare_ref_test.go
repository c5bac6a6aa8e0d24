package identity

// The reference for the Prepare fast paths: assemble and canonSimple
// exactly as they were before them (2026-11-23), kept here so that the
// tests below can compare the two on many generated records.

import (
	"context"
	"errors"
	"fmt"
	"github.com/cimkit/cimkit/customer/clean"
	"slices"
	"strings"
)

func (r *Resolver) assembleRef(ctx context.Context, vals []value) (keys, evidence []Key, display []string, err error) {
	type kv struct {
		kind      Kind
		tok, disp [2]int // offsets into the shared buffer
		weak      bool
		tokenStr  string
	}
	var kbuf [12]kv
	kvs := kbuf[:0]
	var bbuf [512]byte
	buf := bbuf[:0]
	// The default tokenizer is called directly so that the stack buffer
	// does not escape through an interface call.
	plain, isPlain := r.tok.(PlainTokenizer)
	app, _ := r.tok.(TokenAppender)
	var hb []byte
	for _, v := range vals {
		x := kv{kind: v.kind, weak: r.rules.rule(v.kind).Weak}
		x.tok[0] = len(buf)
		switch {
		case isPlain:
			buf, err = plain.AppendToken(ctx, buf, v.kind, v.canon)
		case app != nil:
			// Through a separate (heap) buffer, so buf stays on the stack.
			hb, err = app.AppendToken(ctx, hb[:0], v.kind, v.canon)
			buf = append(buf, hb...)
		default:
			var t string
			t, err = r.tok.Token(ctx, v.kind, v.canon)
			buf = append(buf, t...)
		}
		if err != nil {
			return nil, nil, nil, fmt.Errorf("identity: tokenize %s: %w", v.kind, err)
		}
		x.tok[1] = len(buf)
		x.disp[0] = len(buf)
		buf = appendDisplay(buf, v)
		x.disp[1] = len(buf)
		kvs = append(kvs, x)
	}
	s := string(buf)
	for i := range kvs {
		kvs[i].tokenStr = s[kvs[i].tok[0]:kvs[i].tok[1]]
	}
	slices.SortFunc(kvs, func(a, b kv) int {
		if c := strings.Compare(string(a.kind), string(b.kind)); c != 0 {
			return c
		}
		return strings.Compare(a.tokenStr, b.tokenStr)
	})
	kvs = slices.CompactFunc(kvs, func(a, b kv) bool { return a.kind == b.kind && a.tokenStr == b.tokenStr })
	// Keys then Evidence share one exactly sized array; Display is in the
	// same order.
	all := make([]Key, 0, len(kvs))
	display = make([]string, 0, len(kvs))
	for _, weak := range []bool{false, true} {
		for _, x := range kvs {
			if x.weak == weak {
				all = append(all, Key{x.kind, x.tokenStr})
				display = append(display, s[x.disp[0]:x.disp[1]])
			}
		}
	}
	nk := 0
	for _, x := range kvs {
		if !x.weak {
			nk++
		}
	}
	if nk > 0 {
		keys = all[:nk:nk]
	}
	if nk < len(all) {
		evidence = all[nk:]
	}
	return keys, evidence, display, nil
}

func canonSimpleRef(c Canon, s string) string {
	s = strings.TrimSpace(s)
	switch c {
	case CanonLower, CanonDevice, CanonEmail:
		return strings.ToLower(s)
	case CanonUpper:
		return strings.ToUpper(s)
	}
	return s
}

func (rs *Rules) canonValuesRef(c *clean.Cleaner, id Identifier, out []value) ([]value, clean.Flags, error) {
	r := rs.rule(id.Kind)
	if r == nil {
		return nil, 0, &IdentifierError{Kind: id.Kind, Reason: "kind not in rules", Err: ErrUnknownKind}
	}
	if len(id.Value) > r.MaxLen {
		return nil, 0, &IdentifierError{Kind: id.Kind, Reason: "value longer than the kind's limit", Err: ErrTooLong}
	}
	bad := func(reason string, err error) error {
		return &IdentifierError{Kind: id.Kind, Reason: reason, Err: err}
	}
	start := len(out)
	var flags clean.Flags
	switch r.Canon {
	case CanonPhone:
		p, err := c.Phone(id.Value)
		flags = p.Flags
		switch {
		case errors.Is(err, clean.ErrMasked):
			m := clean.Mask(clean.FieldPhone, id.Value)
			if rs.rule(KindMaskedPhone) != nil && strings.Count(m, "*") < len(m) {
				return append(out, value{kind: KindMaskedPhone, canon: m}), flags, nil
			}
			return nil, flags, bad("value is masked", errors.Join(ErrInvalid, err))
		case errors.Is(err, clean.ErrPlaceholder):
			return nil, flags, bad("value is a placeholder", errors.Join(ErrBlocked, err))
		case errors.Is(err, clean.ErrEmpty):
			return out, flags, nil
		case errors.Is(err, clean.ErrTooLong):
			return nil, flags, bad("value too long", errors.Join(ErrTooLong, err))
		case err != nil:
			return nil, flags, bad("value not usable: "+clean.ErrorClass(err), errors.Join(ErrInvalid, err))
		}
		e164 := p.E164()
		out = append(out, value{kind: id.Kind, canon: e164, mask: maskPhone})
	case CanonEmail:
		e, err := c.Email(id.Value)
		flags = e.Flags
		switch {
		case errors.Is(err, clean.ErrPlaceholder):
			return nil, flags, bad("value is a placeholder", errors.Join(ErrBlocked, err))
		case errors.Is(err, clean.ErrEmpty):
			return out, flags, nil
		case err != nil:
			return nil, flags, bad("value not usable: "+clean.ErrorClass(err), errors.Join(ErrInvalid, err))
		}
		key := e.MatchKey
		if e.Flags.Has(clean.FlagTypo) && e.Suggestion != "" {
			// A misspelt provider domain (163.cm) is the same mailbox as
			// the intended one.
			if s, err := c.Email(e.Suggestion); err == nil {
				key = s.MatchKey
			}
		}
		out = append(out, value{kind: id.Kind, canon: key, mask: maskEmail, src: e.Value})
	case CanonIDCard:
		v, err := c.IDCard(id.Value)
		flags = v.Flags
		switch {
		case errors.Is(err, clean.ErrEmpty):
			return out, flags, nil
		case err != nil:
			return nil, flags, bad("value not usable: "+clean.ErrorClass(err), errors.Join(ErrInvalid, err))
		}
		out = append(out, value{kind: id.Kind, canon: v.Value, mask: maskIDCard})
	case CanonName:
		n, err := c.Name(id.Value)
		flags = n.Flags
		switch {
		case errors.Is(err, clean.ErrEmpty):
			return out, flags, nil
		case err != nil:
			return nil, flags, bad("value not usable: "+clean.ErrorClass(err), errors.Join(ErrInvalid, err))
		}
		out = append(out, value{kind: id.Kind, canon: n.Value, mask: maskName})
		if n.Surname != "" && rs.rule(KindSurname) != nil {
			out = append(out, value{kind: KindSurname, canon: n.Surname})
		}
	default:
		v := canonSimpleRef(r.Canon, id.Value)
		if v == "" || isNothing(v) {
			return out, 0, nil
		}
		if r.Canon == CanonDevice && oneRepeated(v) {
			return nil, 0, bad("value is a placeholder (one repeated character)", ErrBlocked)
		}
		out = append(out, value{kind: id.Kind, canon: v, mask: maskEnds})
	}
	for _, v := range out[start:] {
		if rs.block[v.kind][v.canon] {
			return nil, flags, &IdentifierError{Kind: v.kind, Reason: "value is blocklisted", Err: ErrBlocked}
		}
	}
	return out, flags, nil
}
