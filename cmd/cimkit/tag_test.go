package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const tagTestRules = `{"name":"t","tags":[
 {"name":"sleeping","kind":"dynamic","rule":{"olderThanDays":{"field":"last_order_at","days":60}}},
 {"name":"big_spender","kind":"dynamic","rule":{"gte":{"sumOrders":{"withinDays":365},"value":1000}}},
 {"name":"likes_seafood","kind":"weighted","halfLifeDays":30,"threshold":0.1,
  "sources":[{"on":"order","category":"seafood","increment":0.5}]}]}`

const tagTestCustomers = `{"id":"c1","orders":[{"time":"2026-08-01T00:00:00Z","amount":"999.99","categories":["seafood"]},{"time":"2026-07-01T00:00:00Z","amount":0.02}]}

{"id":"c,2","tags":[{"name":"vip","weight":1,"source":"manual"}],"orders":[{"time":"2026-11-22T00:00:00Z","amount":"5","categories":["tea"]}]}
`

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestTagCommand(t *testing.T) {
	rules := writeFile(t, "rules.json", tagTestRules)
	in := writeFile(t, "customers.jsonl", tagTestCustomers)
	out := filepath.Join(t.TempDir(), "tags.csv")
	var stdout, stderr bytes.Buffer
	code := run(stdio{strings.NewReader(""), &stdout, &stderr},
		[]string{"tag", "-rules", rules, "-in", in, "-out", out, "-now", "2026-11-23T00:00:00Z"})
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	got, _ := os.ReadFile(out)
	// likes_seafood: 0.5 * 2^(-114/30) = 0.035862..., below 0.1
	want := "customer_id,tag,weight\nc1,big_spender,1\nc1,sleeping,1\n\"c,2\",vip,1\n"
	if string(got) != want {
		t.Fatalf("got:\n%s\nwant:\n%s", got, want)
	}
	// stdin/stdout, weighted tag above threshold
	stdout.Reset()
	code = run(stdio{strings.NewReader(`{"id":"c3","orders":[{"time":"2026-11-13T00:00:00Z","amount":1,"categories":["seafood"]}]}`), &stdout, &stderr},
		[]string{"tag", "-rules", rules, "-now", "2026-11-23T00:00:00Z"})
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	// 0.5 * 2^(-10/30) = 0.396850...
	if want := "customer_id,tag,weight\nc3,likes_seafood,0.39685\n"; stdout.String() != want {
		t.Fatalf("got:\n%s\nwant:\n%s", stdout.String(), want)
	}
}

func TestTagCheck(t *testing.T) {
	rules := writeFile(t, "rules.json", tagTestRules)
	var stdout, stderr bytes.Buffer
	if code := run(stdio{nil, &stdout, &stderr}, []string{"tag", "-check", rules}); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	canon := stdout.String()
	if !strings.HasPrefix(canon, `{"name":"t","tags":[{"name":"sleeping","kind":"dynamic","rule":{"olderThanDays":{"field":"last_order_at","days":60}}}`) {
		t.Fatalf("canonical: %s", canon)
	}
	again := writeFile(t, "canon.json", strings.TrimSpace(canon))
	stdout.Reset()
	run(stdio{nil, &stdout, &stderr}, []string{"tag", "-check", again})
	if stdout.String() != canon {
		t.Fatalf("canonical form not stable:\n%s\n%s", canon, stdout.String())
	}
	bad := writeFile(t, "bad.json", `{"tags":[{"name":"x","kind":"dynamic","rule":{"gt":{"field":"orders.total_30d","value":1}}}]}`)
	stdout.Reset()
	stderr.Reset()
	if code := run(stdio{nil, &stdout, &stderr}, []string{"tag", "-check", bad}); code != 1 {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(stderr.String(), `$.tags[0].rule.gt: unknown field "orders.total_30d"`) {
		t.Fatalf("stderr: %s", stderr.String())
	}
}

func TestTagBadInput(t *testing.T) {
	rules := writeFile(t, "rules.json", tagTestRules)
	cases := map[string]string{
		"malformed":  "{\"id\":\"c1\"}\n{\"id\":\"13800138000\",",
		"bad time":   `{"id":"13800138000","registered_at":"yesterday"}`,
		"bad amount": `{"id":"13800138000","orders":[{"time":"2026-01-01","amount":"1.234"}]}`,
		"wrong type": `{"id":"13800138000","points":"many"}`,
		"no id":      `{"points":1}`,
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(stdio{strings.NewReader(in), &stdout, &stderr}, []string{"tag", "-rules", rules, "-now", "2026-11-23T00:00:00Z"})
			if code != 1 {
				t.Fatalf("exit %d", code)
			}
			if strings.Contains(stderr.String(), "13800138000") || !strings.Contains(stderr.String(), "input line") {
				t.Fatalf("stderr: %s", stderr.String())
			}
		})
	}
	var stdout, stderr bytes.Buffer
	if code := run(stdio{nil, &stdout, &stderr}, []string{"tag"}); code != 2 {
		t.Fatalf("no flags: exit %d", code)
	}
	if code := run(stdio{nil, &stdout, &stderr}, []string{"tag", "-rules", rules, "-now", "x"}); code != 2 {
		t.Fatalf("bad -now: exit %d", code)
	}
}
