// Package tagging evaluates customer tags from rules kept as data.
//
// Marketers define tags such as "high-value seafood buyer" or "birthday this
// week" as JSON condition trees that a host stores and edits in its own admin
// UI. Parse checks a tree's structure, Compile type-checks it against a
// Schema and turns it into closures; the compiled Rule is immutable, safe for
// concurrent use and evaluates without allocating. The evaluation instant is
// always passed in: nothing in this package reads the wall clock.
//
// # Rule language
//
// Every condition is a JSON object with exactly one operator key:
//
//	{"all": [c1, c2, ...]}      every condition holds (empty: true)
//	{"any": [c1, c2, ...]}      some condition holds (empty: false)
//	{"not": c}                  c does not hold
//	{"hasTag": "vip"}           the customer carries the tag
//	{"OP": {SUBJECT, ARGS}}     a comparison, string, time or existence test
//
// SUBJECT is either "field": NAME (see Schema for the names: profile
// fields, "attr.<key>" host attributes, "rfm.r|f|m|segment", "tag.<name>"
// for another tag's weight) or one aggregate over the customer's history:
//
//	"countEvents": {"type": "view", "withinDays": 7}
//	"sumOrders":   {"withinDays": 90}            (optional "category"; major units)
//	"countOrders": {"category": "seafood", "withinDays": 90}   (category optional)
//
// OP and ARGS:
//
//	eq, ne, gt, gte, lt, lte  "value": number or string (gt.. numbers only)
//	between                   "min": n, "max": n (inclusive)
//	in                        "values": [v, ...] (up to 1,000)
//	contains, startsWith      "value": string
//	matches                   "pattern": RE2 (size-limited)
//	exists                    no argument
//	withinDays, olderThanDays "days": n, on a time field
//	anniversaryWithinDays     "days": n (0..366), on birth_date or a time
//	                          field; 29 February falls on 28 February in
//	                          common years
//
// A comparison on a missing value is false (ne too); test absence with
// exists. A time t is within d days when now-d days <= t <= now. Example:
//
//	{"all": [
//	  {"gte": {"field": "rfm.m", "value": 4}},
//	  {"gt":  {"sumOrders": {"category": "seafood", "withinDays": 90}, "value": 500}},
//	  {"not": {"hasTag": "complained"}},
//	  {"anniversaryWithinDays": {"field": "birth_date", "days": 7}}
//	]}
//
// Validation reports every problem with its JSON path, for instance
// `$.all[2].gt: unknown field "orders.total_30d"`; conditions nest at most
// MaxDepth (32) deep and a rule has at most MaxNodes (1,000) conditions.
// Node.MarshalJSON prints the canonical form (compact, operand keys in a
// fixed order) which parses back to the same bytes.
//
// # Tags
//
// A RuleSet declares static tags (set by hand or import, with source, author
// and expiry), dynamic tags (a rule, recomputed on every evaluation),
// weighted tags (a weight in 0..1 accumulated from events and orders and
// decaying with a half-life) and mutually exclusive groups (such as a
// lifecycle stage). An Engine evaluates a RuleSet over many customers
// (EvaluateAll) or incrementally on each new event (OnEvent) with the same
// result, and fires lifecycle triggers through a host Notifier, subject to a
// ConsentChecker. RuleSet.Record writes the tags a customer entered and left
// to a Store, which keeps every assignment with who set it, when and why
// (memstore implements it; storetest.RunTags is its conformance suite).
//
// Smallest use:
//
//	rule, err := tagging.CompileJSON([]byte(`{"gte":{"field":"rfm.m","value":4}}`), nil)
//	if err != nil { ... }
//	if rule.Eval(&customer, now) { ... }
package tagging
