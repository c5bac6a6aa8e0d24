package memstore

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"testing"

	"github.com/cimkit/cimkit/identity"
	"github.com/google/uuid"
)

// tokenCases are tokens of every form: in the arena, inline raw and
// packed hex, and their near misses.
func tokenCases() []string {
	sum := sha256.Sum256([]byte("+8613800000000"))
	lower := hex.EncodeToString(sum[:16])
	return []string{
		lower,                              // packed
		strings.ToUpper(lower),             // 32 hex digits, uppercase: in the arena
		lower[:31] + "A",                   // one uppercase digit
		lower[:31] + "g",                   // one non-hex byte
		lower[:31],                         // 31 digits
		lower + "0",                        // 33 digits
		lower[:16],                         // 16 bytes: inline raw
		lower[:17],                         // 17 bytes: in the arena
		"1.q83v8A",                         // privacy's blind index form
		"1.q83v8Aq83v8Aq83v8Aq83v8Aq83v8A", // the same form, 32 bytes
		"",
		"\x00",
		"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00",
		"x\x00",
		"x",
		"张三",
		strings.Repeat("0", 32),
		strings.Repeat("f", 32),
		strings.Repeat("\xff", 16),
	}
}

// Every token comes back exactly, through the store's reads, whatever
// form it is kept in, and tokens that differ stay apart, also when all
// their hashes collide.
func TestTokenFormsRoundTrip(t *testing.T) {
	for _, mask := range []uint64{0, 1 << 63} {
		s := New()
		s.id.tokens.mask = mask
		testTokenForms(t, s)
	}
}

func testTokenForms(t *testing.T, s *Store) {
	ctx := t.Context()
	toks := tokenCases()
	var ch identity.Change
	for i, tok := range toks {
		k := identity.Key{Kind: "phone", Token: tok}
		ch.ExpectTokens = append(ch.ExpectTokens, identity.TokenVersion{Key: k})
		ch.Records = append(ch.Records, identity.StoredRecord{ID: string(rune('a' + i)), CustomerID: uuid.UUID{byte(i + 1)},
			Keys: []identity.Key{k}})
	}
	if err := s.ApplyIdentity(ctx, ch); err != nil {
		t.Fatal(err)
	}
	var keys []identity.Key
	for _, tok := range toks {
		keys = append(keys, identity.Key{Kind: "phone", Token: tok})
	}
	es, err := s.IdentityTokens(ctx, keys)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i, e := range es {
		id := string(rune('a' + i))
		ids = append(ids, id)
		if e.Key != keys[i] || !slices.Equal(e.Records, []string{id}) || e.Version != 1 {
			t.Errorf("token %q: %+v", toks[i], e)
		}
	}
	recs, err := s.IdentityRecords(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range recs {
		if len(r.Keys) != 1 || r.Keys[0] != keys[i] {
			t.Errorf("record %q keys %q, want %q", r.ID, r.Keys, keys[i])
		}
	}
	// A token not stored is not found, however close to a stored one.
	for _, tok := range []string{toks[0][:31] + "1", toks[0][:31] + "B", "1.q83v8B", "y"} {
		if slices.Contains(toks, tok) {
			continue
		}
		if es, _ := s.IdentityTokens(ctx, []identity.Key{{Kind: "phone", Token: tok}}); es[0].Version != 0 || len(es[0].Records) != 0 {
			t.Errorf("unstored token %q found: %+v", tok, es[0])
		}
	}
}

// The inline form gives back its token exactly, and two tokens have the
// same form exactly when they are equal.
func FuzzInlineToken(f *testing.F) {
	for _, tok := range tokenCases() {
		f.Add(tok, tokenCases()[0])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		st := newIDState()
		ra, rb := st.tokAt(identity.Key{Kind: "k", Token: a}), st.tokAt(identity.Key{Kind: "k", Token: b})
		if got := string(st.appendToken(nil, ra)); got != a || st.tokenLen(ra) != len(a) {
			t.Fatalf("token %q came back as %q (length %d)", a, got, st.tokenLen(ra))
		}
		if got := string(st.appendToken(nil, rb)); got != b {
			t.Fatalf("token %q came back as %q", b, got)
		}
		if (ra == rb) != (a == b) {
			t.Fatalf("tokens %q and %q: rows %d and %d", a, b, ra, rb)
		}
		fa, fb := inlineForm(a), inlineForm(b)
		if fa.n != 0 && fb.n != 0 && (fa == fb) != (a == b) {
			t.Fatalf("tokens %q and %q: forms %v and %v", a, b, fa, fb)
		}
		if fa.n == hexTok && (len(a) != 32 || strings.ToLower(a) != a) {
			t.Fatalf("token %q packed", a)
		}
	})
}

// packHex agrees with encoding/hex on every byte in every position:
// it packs exactly the strings of 32 lowercase hex digits.
func TestPackHexAgreesWithHex(t *testing.T) {
	base := []byte(strings.Repeat("0123456789abcdef", 2))
	for pos := range 32 {
		for c := range 256 {
			s := slices.Clone(base)
			s[pos] = byte(c)
			var b [16]byte
			ok := packHex(&b, string(s))
			want, err := hex.DecodeString(string(s))
			lower := strings.ToLower(string(s)) == string(s)
			if ok != (err == nil && lower) || ok && string(b[:]) != string(want) {
				t.Fatalf("packHex(%q) = %x, %v; hex: %x, %v", s, b, ok, want, err)
			}
		}
	}
}

func BenchmarkPackHex(b *testing.B) {
	sum := sha256.Sum256([]byte("x"))
	s := hex.EncodeToString(sum[:16])
	var out [16]byte
	b.ReportAllocs()
	for b.Loop() {
		if !packHex(&out, s) {
			b.Fatal("not packed")
		}
	}
}
