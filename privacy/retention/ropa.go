package retention

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/cimkit/cimkit/privacy/access"
	"github.com/cimkit/cimkit/privacy/consent"
)

// Record is a record of processing activities (GDPR art. 30; PIPL arts.
// 54-55 compliance audits) generated from configuration, so it cannot
// drift from what the code enforces.
type Record struct {
	AccessPolicyVersion    string          `json:"access_policy_version"`
	RetentionPolicyVersion string          `json:"retention_policy_version"`
	Fields                 []FieldGroup    `json:"field_groups"`
	Access                 []AccessGrant   `json:"access"`
	ConsentPurposes        []ConsentRecord `json:"consent_purposes"`
	Retention              []RetentionRule `json:"retention"`
}

// FieldGroup lists the fields a group covers.
type FieldGroup struct {
	Group      access.Group `json:"group"`
	Fields     []string     `json:"fields"`
	Attributes []string     `json:"attribute_prefixes,omitempty"`
}

// AccessGrant is one role's view of one group for one purpose.
type AccessGrant struct {
	Role    string         `json:"role"`
	Purpose access.Purpose `json:"purpose"`
	Group   access.Group   `json:"group"`
	View    access.View    `json:"view"`
	Reveal  bool           `json:"reveal_with_reason"`
}

// ConsentRecord is one purpose that needs the customer's consent.
type ConsentRecord struct {
	Purpose  consent.Purpose `json:"purpose"`
	Separate bool            `json:"separate_consent"` // PIPL requires a separate consent
	Basis    string          `json:"legal_basis"`
}

// RetentionRule is one retention limit in words and numbers.
type RetentionRule struct {
	Data   string `json:"data"`
	Limit  string `json:"limit"`
	Action string `json:"action"`
}

// RecordOfProcessing builds the record from an access policy and a
// retention policy. The result is deterministic: every list is sorted.
func RecordOfProcessing(ap access.Policy, rp Policy) Record {
	r := Record{AccessPolicyVersion: ap.Version, RetentionPolicyVersion: rp.Version}
	for _, g := range access.Groups() {
		fg := FieldGroup{Group: g, Fields: access.GroupFields(g)}
		for _, prefix := range slices.Sorted(maps.Keys(ap.AttributeGroups)) {
			if ap.AttributeGroups[prefix] == g {
				fg.Attributes = append(fg.Attributes, prefix)
			}
		}
		r.Fields = append(r.Fields, fg)
	}
	for _, role := range slices.Sorted(maps.Keys(ap.Roles)) {
		for _, pur := range access.Purposes() {
			byGroup, ok := ap.Roles[role][pur]
			if !ok {
				continue
			}
			for _, g := range access.Groups() {
				rule, ok := byGroup[g]
				if !ok || rule.View == access.ViewNone && !rule.Reveal {
					continue
				}
				r.Access = append(r.Access, AccessGrant{Role: role, Purpose: pur, Group: g, View: rule.View, Reveal: rule.Reveal})
			}
		}
	}
	for _, p := range consent.Purposes() {
		sep := p == consent.SensitivePI || p == consent.CrossBorderTransfer || p == consent.ThirdPartySharing
		basis := "consent (PIPL art. 13(1); GDPR art. 6(1)(a))"
		if sep {
			basis = "separate consent (PIPL arts. 23, 29, 39; GDPR art. 9(2)(a) for sensitive data)"
		}
		r.ConsentPurposes = append(r.ConsentPurposes, ConsentRecord{Purpose: p, Separate: sep, Basis: basis})
	}
	keep := func(n int, unit string) string {
		if n == 0 {
			return "kept (no limit set)"
		}
		return fmt.Sprintf("%d %s", n, unit)
	}
	r.Retention = []RetentionRule{
		{Data: "behaviour events", Limit: keep(rp.EventMaxAgeDays, "days after the event"), Action: "delete"},
		{Data: "customer profile and everything linked to it", Limit: keep(rp.CustomerInactiveYears, "years after the last activity"), Action: "erase"},
		{Data: "resolved or closed service tickets", Limit: keep(rp.TicketAfterMonths, "months after the last update"), Action: "delete"},
	}
	return r
}

// WriteMarkdown writes the record as a Markdown document.
func (r Record) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# Record of processing\n\nAccess policy `%s`, retention policy `%s`.\n\n", r.AccessPolicyVersion, r.RetentionPolicyVersion)
	b.WriteString("## Personal data held\n\n| group | fields | attribute prefixes |\n|---|---|---|\n")
	for _, f := range r.Fields {
		fmt.Fprintf(&b, "| %s | %s | %s |\n", f.Group, strings.Join(f.Fields, ", "), strings.Join(f.Attributes, ", "))
	}
	b.WriteString("\n## Who sees what, for which purpose\n\n| role | purpose | group | view | reveal with reason |\n|---|---|---|---|---|\n")
	for _, a := range r.Access {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", a.Role, a.Purpose, a.Group, a.View, yesNo(a.Reveal))
	}
	b.WriteString("\n## Purposes that need consent\n\n| purpose | separate consent | legal basis |\n|---|---|---|\n")
	for _, c := range r.ConsentPurposes {
		fmt.Fprintf(&b, "| %s | %s | %s |\n", c.Purpose, yesNo(c.Separate), c.Basis)
	}
	b.WriteString("\n## Retention\n\n| data | limit | action |\n|---|---|---|\n")
	for _, x := range r.Retention {
		fmt.Fprintf(&b, "| %s | %s | %s |\n", x.Data, x.Limit, x.Action)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
