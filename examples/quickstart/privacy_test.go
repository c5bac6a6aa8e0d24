package main

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/cimkit/cimkit/internal/synth"
)

// TestPrivacyStagePrintsNoPII runs the quickstart and checks the privacy
// stage's claims and that no name, phone, e-mail or address of the
// generated records is printed in clear anywhere.
func TestPrivacyStagePrintsNoPII(t *testing.T) {
	var out bytes.Buffer
	if err := run(&out, []string{"-customers", "200", "-orders", "500", "-seed", "9"}); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []string{
		"field encryption, blind-index lookup and crypto-shredding",
		`stored: name "", phone ""`,
		"store check: no personal value of the copies is stored in clear",
		"1 confirmed by decryption: copy 2",
		"none confirmed",
		"copy 5 shredded (data key versions [1] destroyed)",
		"privacy: data key destroyed",
		"the other copies still read back",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
	ds, err := synth.Generate(synth.Config{Customers: 200, Orders: 500, Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	digits := func(s string) string {
		return strings.Map(func(r rune) rune {
			if '0' <= r && r <= '9' {
				return r
			}
			return -1
		}, s)
	}
	for _, r := range ds.Records {
		for _, v := range []string{strings.TrimSpace(r.Name), r.Email, r.Address, digits(r.Phone)} {
			if utf8.RuneCountInString(v) >= 2 && len(v) >= 6 && strings.Contains(s, v) {
				t.Fatalf("the quickstart printed personal data of record %s", r.ID)
			}
		}
		if d := digits(r.Phone); len(d) >= 11 && strings.Contains(s, d[len(d)-11:]) {
			t.Fatalf("the quickstart printed a phone of record %s", r.ID)
		}
	}
}
