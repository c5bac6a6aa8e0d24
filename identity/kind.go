package identity

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Kind names a kind of identifier. The kinds below are built in; a host
// registers its own by adding a Rule with a new Kind to its Rules. A kind
// is 1 to 32 bytes of a-z, 0-9 and '_'.
type Kind string

// Built-in kinds.
const (
	KindPhone         Kind = "phone"          // E.164 phone number
	KindDevice        Kind = "device"         // device fingerprint: IDFA, OAID, Android ID, IMEI, browser fingerprint (host-hashed)
	KindEmail         Kind = "email"          // mailbox (provider dot/plus rules applied)
	KindMemberID      Kind = "member_id"      // loyalty member number
	KindWeChatOpenID  Kind = "wechat_openid"  // per-app WeChat open id
	KindWeChatUnionID Kind = "wechat_unionid" // cross-app WeChat union id
	KindIDCard        Kind = "id_card"        // mainland resident ID number
	KindName          Kind = "name"           // weak: canonical personal name
	KindSurname       Kind = "surname"        // weak: derived from a name, used by ownership expiry
	KindMaskedPhone   Kind = "phone_masked"   // weak: a display-masked phone (138****5678)
)

// Canon says how a raw value of a kind becomes canonical before it is
// tokenised.
type Canon uint8

// Canonicalisations.
const (
	CanonTrim   Canon = iota // trim spaces; case kept
	CanonLower               // trim and lower-case
	CanonUpper               // trim and upper-case
	CanonPhone               // customer/clean Phone → E.164; masked → phone_masked
	CanonEmail               // customer/clean Email → match key
	CanonIDCard              // customer/clean IDCard → 18 characters
	CanonName                // customer/clean Name → canonical name (+ surname)
	CanonDevice              // trim, lower-case; all-zero or one repeated character is blocked
)

// Rule is the data that governs one identifier kind.
type Rule struct {
	Kind Kind
	// Priority orders linking (higher first) and decides which kind is
	// named as the reason of a merge.
	Priority int
	// Weak identifiers are kept as evidence (Explain, ownership checks)
	// but never link records on their own.
	Weak bool
	// UniquePerCustomer: a customer holds at most one value of this kind,
	// so two different values never end up in one customer (two member
	// ids never merge).
	UniquePerCustomer bool
	// MaxCustomers, when > 0, makes the kind shareable: a value carried by
	// more than MaxCustomers distinct customers (formed by non-shareable
	// kinds) within any Window is shared and links nothing. With
	// MaxCustomers 1 a device attaches device-only records to its one
	// customer but never joins two customers.
	MaxCustomers int
	// Window bounds the MaxCustomers count; 0 means all time.
	Window time.Duration
	// OwnershipExpiry, when > 0, starts a new owner of a value (recycled
	// phone numbers) when it reappears after more than this long unseen,
	// both the new record and the previous owner's records carry weak
	// evidence (a name), and the new record shares no identifier at all
	// (device, email, surname ...) with the previous owner's records.
	OwnershipExpiry time.Duration
	// Blocklist holds canonical values that never identify anyone
	// (placeholders, test accounts, "unknown").
	Blocklist []string
	// MaxLen bounds raw values in bytes (default 256).
	MaxLen int
	// Canon is how raw values are canonicalised.
	Canon Canon
}

// Rules is a compiled, immutable rule set; safe for concurrent use.
type Rules struct {
	byKind map[Kind]*Rule
	kinds  []Kind  // sorted by priority desc, then name
	list   []*Rule // the rules in kinds order, for rule's linear scan
	block  map[Kind]map[string]bool
}

const day = 24 * time.Hour

// DefaultRules returns the built-in rule set: member id, resident ID and
// WeChat union id are unique per customer; a device links at most one
// customer over all time (a family tablet attaches device-only records but
// never joins family members; a host that sees resold devices sets a
// Window); a phone unseen for 180 days that reappears with a different
// name and nothing else in common starts a new owner.
func DefaultRules() []Rule {
	return []Rule{
		{Kind: KindMemberID, Priority: 100, UniquePerCustomer: true, Canon: CanonUpper,
			Blocklist: []string{"0", "TEST", "UNKNOWN", "NULL", "NONE"}},
		{Kind: KindIDCard, Priority: 100, UniquePerCustomer: true, Canon: CanonIDCard},
		{Kind: KindWeChatUnionID, Priority: 95, UniquePerCustomer: true, Canon: CanonTrim,
			Blocklist: []string{"unknown", "null", "undefined"}},
		{Kind: KindPhone, Priority: 90, OwnershipExpiry: 180 * day, Canon: CanonPhone},
		{Kind: KindWeChatOpenID, Priority: 80, Canon: CanonTrim, Blocklist: []string{"unknown", "null", "undefined"}},
		{Kind: KindEmail, Priority: 70, Canon: CanonEmail},
		{Kind: KindDevice, Priority: 50, MaxCustomers: 1, Canon: CanonDevice,
			Blocklist: []string{"unknown", "null", "undefined", "none", "02:00:00:00:00:00", "9774d56d682e549c"}},
		{Kind: KindName, Priority: 10, Weak: true, Canon: CanonName},
		{Kind: KindSurname, Priority: 5, Weak: true, Canon: CanonTrim},
		{Kind: KindMaskedPhone, Priority: 5, Weak: true, Canon: CanonTrim},
	}
}

// NewRules validates and compiles rules. Every kind must be valid and
// appear once; nil or empty means DefaultRules.
func NewRules(rules []Rule) (*Rules, error) {
	if len(rules) == 0 {
		rules = DefaultRules()
	}
	rs := &Rules{byKind: map[Kind]*Rule{}, block: map[Kind]map[string]bool{}}
	for i := range rules {
		r := rules[i]
		if !validKind(r.Kind) {
			return nil, fmt.Errorf("%w: rules[%d].kind: want 1-32 characters of a-z, 0-9 or _", ErrInvalid, i)
		}
		if r.Kind == KindProbable {
			return nil, fmt.Errorf("%w: rules[%d].kind: %q is reserved for probable links", ErrInvalid, i, KindProbable)
		}
		if _, dup := rs.byKind[r.Kind]; dup {
			return nil, fmt.Errorf("%w: rules[%d].kind: %s given twice", ErrInvalid, i, r.Kind)
		}
		if r.MaxCustomers < 0 || r.Window < 0 || r.OwnershipExpiry < 0 || r.MaxLen < 0 {
			return nil, fmt.Errorf("%w: rules[%d] (%s): negative limit", ErrInvalid, i, r.Kind)
		}
		if r.Canon > CanonDevice {
			return nil, fmt.Errorf("%w: rules[%d] (%s): unknown canonicalisation", ErrInvalid, i, r.Kind)
		}
		if r.MaxLen == 0 {
			r.MaxLen = 256
		}
		r.Blocklist = slices.Clone(r.Blocklist)
		rs.byKind[r.Kind] = &r
		rs.kinds = append(rs.kinds, r.Kind)
		m := map[string]bool{}
		for _, v := range r.Blocklist {
			m[canonSimple(r.Canon, v)] = true
		}
		rs.block[r.Kind] = m
	}
	slices.SortFunc(rs.kinds, func(a, b Kind) int {
		if pa, pb := rs.byKind[a].Priority, rs.byKind[b].Priority; pa != pb {
			return pb - pa
		}
		return strings.Compare(string(a), string(b))
	})
	for _, k := range rs.kinds {
		rs.list = append(rs.list, rs.byKind[k])
	}
	return rs, nil
}

// Rule returns a copy of the rule for kind.
func (rs *Rules) Rule(kind Kind) (Rule, bool) {
	r, ok := rs.byKind[kind]
	if !ok {
		return Rule{}, false
	}
	c := *r
	c.Blocklist = slices.Clone(r.Blocklist)
	return c, true
}

// Kinds lists the kinds, highest priority first.
func (rs *Rules) Kinds() []Kind { return slices.Clone(rs.kinds) }

// List returns copies of all rules, highest priority first.
func (rs *Rules) List() []Rule {
	out := make([]Rule, 0, len(rs.kinds))
	for _, k := range rs.kinds {
		r, _ := rs.Rule(k)
		out = append(out, r)
	}
	return out
}

// rule returns the rule for k, or nil. Rule sets are small, so a scan
// (most kinds differ in length) beats hashing the kind.
func (rs *Rules) rule(k Kind) *Rule {
	r, _ := rs.ruleRank(k)
	return r
}

// ruleRank returns k's rule and its rank in the priority order (its index
// in rs.kinds), or -1 for the rank when k has no rule or there are more
// than 16 rules (not counted then).
func (rs *Rules) ruleRank(k Kind) (*Rule, int) {
	if len(rs.list) > 16 {
		return rs.byKind[k], -1
	}
	for i, r := range rs.list {
		if r.Kind == k {
			return r, i
		}
	}
	return nil, -1
}

func validKind(k Kind) bool {
	if k == "" || len(k) > 32 {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}
