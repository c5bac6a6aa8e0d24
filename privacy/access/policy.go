package access

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Rule is what a role may do with one group for one purpose.
type Rule struct {
	View   View `json:"view"`
	Reveal bool `json:"reveal,omitempty"` // may call Guard.Reveal (with a reason) for plaintext
}

// Policy maps role → purpose → group → rule. A group missing under a
// purpose gets ViewNone; a purpose missing under a role is refused.
// AttributeGroups assigns customer attributes to groups by key prefix (the
// longest matching prefix wins); unmatched attributes belong to account.
type Policy struct {
	Version         string                                `json:"version"`
	Roles           map[string]map[Purpose]map[Group]Rule `json:"roles"`
	AttributeGroups map[string]Group                      `json:"attribute_groups,omitempty"`
}

//go:embed example_policy.json
var examplePolicy []byte

// ExamplePolicy returns the policy shipped with cimkit: a service agent
// sees masked contact details and may reveal them with a reason, and sees
// tickets and feedback in full; marketing sees tags, segments, scores and
// behaviour without its free text, never contact details; analytics sees
// pseudonymous ids. Its JSON is example_policy.json in this package.
func ExamplePolicy() Policy {
	p, err := ParsePolicy(examplePolicy)
	if err != nil {
		panic("access: shipped example policy is invalid: " + err.Error()) // caught by tests
	}
	return p
}

// ExamplePolicyJSON returns the shipped example policy as JSON, a starting
// point for a host's own.
func ExamplePolicyJSON() []byte { return bytes.Clone(examplePolicy) }

// ParsePolicy decodes and validates a JSON policy. Unknown fields, groups,
// purposes or views wrap ErrInvalid and name the place.
func ParsePolicy(data []byte) (Policy, error) {
	var p Policy
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return Policy{}, fmt.Errorf("access: policy: %w: malformed JSON", ErrInvalid)
	}
	if dec.More() {
		return Policy{}, fmt.Errorf("access: policy: %w: trailing data", ErrInvalid)
	}
	if err := p.Validate(); err != nil {
		return Policy{}, err
	}
	return p, nil
}

// Validate checks every role, purpose, group and view.
func (p Policy) Validate() error {
	bad := func(where, reason string) error {
		return fmt.Errorf("access: policy %s: %w: %s", where, ErrInvalid, reason)
	}
	if p.Version == "" || len(p.Version) > 64 {
		return bad("version", "empty or longer than 64 bytes")
	}
	if len(p.Roles) == 0 {
		return bad("roles", "empty")
	}
	for _, role := range slices.Sorted(maps.Keys(p.Roles)) {
		if !isName(role) {
			return bad("roles", "a role name is not lower-case letters, digits and underscores")
		}
		for _, pur := range slices.Sorted(maps.Keys(p.Roles[role])) {
			if !slices.Contains(purposes, pur) {
				return bad("roles."+role, "unknown purpose")
			}
			for _, g := range slices.Sorted(maps.Keys(p.Roles[role][pur])) {
				where := "roles." + role + "." + string(pur)
				if !slices.Contains(groups, g) {
					return bad(where, "unknown group")
				}
				if !viewAllowed(g, p.Roles[role][pur][g].View) {
					return bad(where+"."+string(g), "view not allowed for this group")
				}
			}
		}
	}
	for _, prefix := range slices.Sorted(maps.Keys(p.AttributeGroups)) {
		g := p.AttributeGroups[prefix]
		if prefix == "" || !slices.Contains(groups, g) || g == GroupPseudonymousID || g == GroupOrders || g == GroupInteractions {
			return bad("attribute_groups", "empty prefix, or a group attributes cannot belong to")
		}
	}
	return nil
}

func viewAllowed(g Group, v View) bool {
	switch v {
	case ViewNone, ViewPlain:
		return true
	case ViewMasked:
		return g == GroupContact || g == GroupIdentityDocuments || g == GroupAddress || g == GroupInteractions
	case ViewPseudonymous:
		return g == GroupPseudonymousID
	}
	return false
}

func isName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	return strings.Trim(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == ""
}

// rule returns the rule for role, purpose and group.
func (p Policy) rule(role string, pur Purpose, g Group) (Rule, error) {
	perms, ok := p.Roles[role]
	if !ok {
		return Rule{}, fmt.Errorf("access: %w", ErrUnknownRole)
	}
	if !slices.Contains(purposes, pur) {
		return Rule{}, fmt.Errorf("access: %w", ErrUnknownPurpose)
	}
	byGroup, ok := perms[pur]
	if !ok {
		return Rule{}, fmt.Errorf("access: %w: role has no grants for this purpose", ErrUnknownPurpose)
	}
	r, ok := byGroup[g]
	if !ok {
		return Rule{View: ViewNone}, nil
	}
	return r, nil
}

// attributeGroup returns the group of an attribute key.
func (p Policy) attributeGroup(key string) Group {
	best, g := -1, GroupAccount
	for prefix, grp := range p.AttributeGroups {
		if strings.HasPrefix(key, prefix) && len(prefix) > best {
			best, g = len(prefix), grp
		}
	}
	return g
}
