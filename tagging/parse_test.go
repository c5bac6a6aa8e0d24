package tagging

import (
	"errors"
	"strings"
	"testing"
)

func TestParseRoundTrip(t *testing.T) {
	cases := map[string]string{
		"all":        `{"all":[{"gte":{"field":"rfm.m","value":4}},{"eq":{"field":"gender","value":"f"}}]}`,
		"any-empty":  `{"any":[]}`,
		"not":        `{"not":{"hasTag":"vip"}}`,
		"between":    `{"between":{"field":"points","min":-1.5,"max":1e+21}}`,
		"in":         `{"in":{"field":"membership_level","values":["gold","platinum"]}}`,
		"exists":     `{"exists":{"field":"attr.vip_card"}}`,
		"matches":    `{"matches":{"field":"attr.email_domain","pattern":"^(qq|163)\\.com$"}}`,
		"within":     `{"withinDays":{"field":"last_order_at","days":30}}`,
		"anniv":      `{"anniversaryWithinDays":{"field":"birth_date","days":7}}`,
		"countEv":    `{"gte":{"countEvents":{"type":"view","withinDays":7},"value":3}}`,
		"sumOrd":     `{"gt":{"sumOrders":{"category":"seafood","withinDays":90},"value":500}}`,
		"sumOrdAll":  `{"gt":{"sumOrders":{"withinDays":90},"value":500}}`,
		"countOrd":   `{"lt":{"countOrders":{"category":"seafood","withinDays":90},"value":2}}`,
		"unicode":    `{"startsWith":{"field":"attr.city","value":"上海\u003c"}}`,
		"escapeHTML": `{"contains":{"field":"attr.note","value":"a\u0026b"}}`,
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			n, err := Parse([]byte(in))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			out := n.String()
			n2, err := Parse([]byte(out))
			if err != nil {
				t.Fatalf("Parse(canonical): %v", err)
			}
			if out2 := n2.String(); out2 != out {
				t.Fatalf("not stable:\n%s\n%s", out, out2)
			}
		})
	}
}

func TestParseCanonicalizes(t *testing.T) {
	in := "{ \"gte\" : { \"value\" : 4.0 , \"field\" : \"rfm.m\" } }"
	n, err := Parse([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := n.String(), `{"gte":{"field":"rfm.m","value":4}}`; got != want {
		t.Fatalf("got %s want %s", got, want)
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		name, in string
		want     []string // expected problem strings, in order
	}{
		{"malformed", `{"all":[`, []string{"$: unexpected end of JSON input"}},
		{"trailing", `{"all":[]} x`, []string{"$: unexpected data after the JSON value"}},
		{"duplicate", `{"not":{"hasTag":"a"},"not":{"hasTag":"b"}}`, []string{`$: duplicate key "not"`}},
		{"unknown op", `{"all":[{"hasTag":"a"},{"foo":{}}]}`, []string{`$.all[1].foo: unknown operator "foo"`}},
		{"two keys", `{"all":[],"any":[]}`, []string{"$: condition must have exactly one operator key, got 2 keys"}},
		{"all errors", `{"all":[{"gt":{"field":"points"}},{"in":{"field":"gender","values":[]}},{"eq":{"field":"gender","value":null}}]}`,
			[]string{`$.all[0].gt: missing "value"`, "$.all[1].in.values: values must be a non-empty array",
				"$.all[2].eq.value: value must be a string or a number, got null"}},
		{"no subject", `{"eq":{"value":1}}`, []string{`$.eq: needs exactly one of "field", "countEvents", "sumOrders" or "countOrders"`}},
		{"unknown key", `{"eq":{"field":"a","value":1,"values":[1]}}`, []string{`$.eq: unknown key "values" for eq`}},
		{"bad days", `{"withinDays":{"field":"registered_at","days":1.5}}`, []string{"$.withinDays.days: days must be an integer in 0..36600"}},
		{"agg", `{"gt":{"countEvents":{"withinDays":0},"value":1}}`,
			[]string{"$.gt.countEvents.withinDays: withinDays must be at least 1", `$.gt.countEvents: missing "type"`}},
		{"not array", `{"any":{"hasTag":"x"}}`, []string{"$.any: any needs an array of conditions, got object"}},
		{"huge number", `{"gt":{"field":"points","value":1e999}}`, []string{"$.gt.value: number out of range"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.in))
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("err = %v, want ErrInvalid", err)
			}
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("not a ValidationError: %T", err)
			}
			var got []string
			for _, p := range ve.Problems {
				got = append(got, p.String())
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Fatalf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

func TestParseLimits(t *testing.T) {
	deep := strings.Repeat(`{"not":`, MaxDepth) + `{"hasTag":"x"}` + strings.Repeat(`}`, MaxDepth)
	if _, err := Parse([]byte(deep)); err == nil || !strings.Contains(err.Error(), "nested deeper than the limit of 32") {
		t.Fatalf("depth %d: err = %v", MaxDepth+1, err)
	}
	ok := strings.Repeat(`{"not":`, MaxDepth-1) + `{"hasTag":"x"}` + strings.Repeat(`}`, MaxDepth-1)
	if _, err := Parse([]byte(ok)); err != nil {
		t.Fatalf("depth %d: %v", MaxDepth, err)
	}
	veryDeep := strings.Repeat(`[`, 100000)
	if _, err := Parse([]byte(veryDeep)); !errors.Is(err, ErrInvalid) {
		t.Fatalf("very deep: %v", err)
	}
	many := func(n int) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = `{"hasTag":"x"}`
		}
		return `{"any":[` + strings.Join(parts, ",") + `]}`
	}
	if _, err := Parse([]byte(many(MaxNodes - 1))); err != nil {
		t.Fatalf("%d nodes: %v", MaxNodes, err)
	}
	if _, err := Parse([]byte(many(MaxNodes))); err == nil || !strings.Contains(err.Error(), "1001 nodes") {
		t.Fatalf("%d nodes: %v", MaxNodes+1, err)
	}
}

func FuzzParseCompile(f *testing.F) {
	seeds := []string{
		`{"all":[{"gte":{"field":"rfm.m","value":4}},{"in":{"field":"membership_level","values":["gold"]}}]}`,
		`{"not":{"hasTag":"vip"}}`,
		`{"matches":{"field":"attr.x","pattern":"a{1000}{1000}"}}`,
		`{"gte":{"countEvents":{"type":"view","withinDays":7},"value":3}}`,
		`{"anniversaryWithinDays":{"field":"birth_date","days":7}}`,
		`{"between":{"field":"points","min":5,"max":1}}`,
		`{"eq":{"field":"gender","value":3}}`,
		`[`, `{}`, `null`, `{"any":[{"any":[{"any":[]}]}]}`,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		n, err := Parse(data)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error not ErrInvalid: %v", err)
			}
			return
		}
		out := n.String()
		n2, err := Parse([]byte(out))
		if err != nil {
			t.Fatalf("canonical form does not parse: %v\n%s", err, out)
		}
		if n2.String() != out {
			t.Fatalf("canonical form not stable:\n%s\n%s", out, n2.String())
		}
		r, err := Compile(n, nil)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("compile error not ErrInvalid: %v", err)
			}
			return
		}
		c := sampleCustomer()
		r.Eval(&c, sampleNow)
		r.Eval(&Customer{}, sampleNow)
	})
}
