package privacy

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"testing"
)

// TestTokenOracle recomputes a token with crypto/hmac from the index key
// recovered from the recorded random stream.
func TestTokenOracle(t *testing.T) {
	for _, bits := range []int{8, 12, 24, 33, 256} {
		t.Run(fmt.Sprint(bits), func(t *testing.T) {
			e := newTestEnv(t, &Options{IndexBits: bits})
			tz, err := e.v.Tokenizer("shop1")
			if err != nil {
				t.Fatal(err)
			}
			tok, err := tz.Token(context.Background(), "phone", "+8613812345678")
			if err != nil {
				t.Fatal(err)
			}
			key := e.rnd.bytes()[:32]
			m := hmac.New(sha256.New, key)
			m.Write([]byte{5})
			m.Write([]byte("phone+8613812345678"))
			sum := m.Sum(nil)
			nb := (bits + 7) / 8
			tr := sum[:nb]
			if bits%8 != 0 {
				tr[nb-1] &= byte(0xff << (8 - bits%8))
			}
			want := "1." + base64.RawURLEncoding.EncodeToString(tr)
			if tok != want {
				t.Fatalf("token = %s, want %s", tok, want)
			}
		})
	}
}

func TestTokenDeterministicAndSeparated(t *testing.T) {
	e := newTestEnv(t, &Options{IndexBits: 64})
	ctx := context.Background()
	a, _ := e.v.Tokenizer("shop1")
	b, _ := e.v.Tokenizer("shop2")
	t1, _ := a.Token(ctx, "phone", "13812345678")
	a2, _ := e.v.Tokenizer("shop1")
	t2, _ := a2.Token(ctx, "phone", "13812345678")
	if t1 != t2 {
		t.Fatal("token not deterministic")
	}
	for name, f := range map[string]func() (string, error){
		"OtherKind":   func() (string, error) { return a.Token(ctx, "device", "13812345678") },
		"OtherTenant": func() (string, error) { return b.Token(ctx, "phone", "13812345678") },
		"OtherValue":  func() (string, error) { return a.Token(ctx, "phone", "13812345679") },
		"KindShift":   func() (string, error) { return a.Token(ctx, "phone1", "3812345678") },
	} {
		if tok, err := f(); err != nil || tok == t1 {
			t.Errorf("%s: token %s err %v equals original", name, tok, err)
		}
	}
}

// AppendToken appends exactly what Token returns, and rejects what Token
// rejects without touching dst.
func TestAppendTokenMatchesToken(t *testing.T) {
	e := newTestEnv(t, &Options{IndexBits: 128})
	ctx := context.Background()
	tz, _ := e.v.Tokenizer("shop1")
	dst := []byte("prefix|")
	for _, v := range []string{"+8613812345678", "li@qq.com", "设备-1"} {
		want, err := tz.Token(ctx, "phone", v)
		if err != nil {
			t.Fatal(err)
		}
		got, err := tz.AppendToken(ctx, dst, "phone", v)
		if err != nil || string(got) != "prefix|"+want {
			t.Fatalf("AppendToken = %q, %v; want prefix|%s", got, err, want)
		}
	}
	if got, err := tz.AppendToken(ctx, dst, "phone", ""); !errors.Is(err, ErrInvalid) || string(got) != "prefix|" {
		t.Fatalf("AppendToken of an empty value = %q, %v", got, err)
	}
}

func TestTokenInvalid(t *testing.T) {
	e := newTestEnv(t, nil)
	tz, _ := e.v.Tokenizer("shop1")
	for _, in := range [][2]string{{"", "x"}, {"phone", ""}} {
		if _, err := tz.Token(context.Background(), in[0], in[1]); !errors.Is(err, ErrInvalid) {
			t.Fatalf("Token(%q) err = %v", in, err)
		}
	}
	if _, err := e.v.Tokenizer(""); !errors.Is(err, ErrInvalid) {
		t.Fatal("empty tenant accepted")
	}
	if _, err := New(e.ks, e.km, &Options{IndexBits: 7}); !errors.Is(err, ErrInvalid) {
		t.Fatal("IndexBits 7 accepted")
	}
}

// TestTokenCollisionRate checks truncation against the birthday
// expectation: n values into 2^L buckets fill about 2^L(1-e^(-n/2^L)).
func TestTokenCollisionRate(t *testing.T) {
	const n = 3000
	for _, bits := range []int{8, 10, 40} {
		e := newTestEnv(t, &Options{IndexBits: bits})
		tz, _ := e.v.Tokenizer("shop1")
		seen := map[string]bool{}
		for i := range n {
			tok, err := tz.Token(context.Background(), "phone", fmt.Sprintf("1380000%04d", i))
			if err != nil {
				t.Fatal(err)
			}
			seen[tok] = true
		}
		m := math.Exp2(float64(bits))
		want := m * (1 - math.Exp(-n/m))
		if got := float64(len(seen)); math.Abs(got-want) > 5*math.Sqrt(want)+1 {
			t.Errorf("bits %d: %v distinct tokens, want about %.0f", bits, got, want)
		}
	}
}

func TestIndexBitsFor(t *testing.T) {
	for r := 1 << 10; r <= 1<<40; r *= 3 {
		l := IndexBitsFor(r)
		if !(math.Sqrt(float64(r)) < math.Exp2(float64(l)) && math.Exp2(float64(l)) < float64(r)/2) {
			t.Errorf("IndexBitsFor(%d) = %d outside √R < 2^L < R/2", r, l)
		}
	}
	if got := IndexBitsFor(1_000_000); got != 14 {
		t.Errorf("IndexBitsFor(1e6) = %d, want 14 as documented", got)
	}
}

func TestTokenVersion(t *testing.T) {
	for in, want := range map[string]uint32{"1.abc": 1, "42.": 42} {
		if v, err := TokenVersion(in); err != nil || v != want {
			t.Errorf("TokenVersion(%q) = %d, %v", in, v, err)
		}
	}
	for _, in := range []string{"", "abc", "0.x", ".x", "-1.x", "99999999999.x"} {
		if _, err := TokenVersion(in); !errors.Is(err, ErrInvalid) {
			t.Errorf("TokenVersion(%q) err = %v", in, err)
		}
	}
}

func FuzzTokenVersion(f *testing.F) {
	for _, s := range []string{"1.abc", "", ".", "4294967295.x", "4294967296.x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := TokenVersion(s)
		if err == nil && (v == 0 || len(s) < 2) {
			t.Fatalf("accepted %q as %d", s, v)
		}
	})
}

type lookupRow struct {
	id string
	ct []byte
}

func TestLookupConfirm(t *testing.T) {
	// 8-bit tokens: many customers share a token; confirmation keeps only
	// the true holders.
	e := newTestEnv(t, &Options{IndexBits: 8})
	ctx := context.Background()
	tz, _ := e.v.Tokenizer("shop1")
	index := map[string][]lookupRow{}
	adFor := func(id string) AssociatedData {
		return AssociatedData{Tenant: "shop1", RecordKind: "customer", RecordID: id, CustomerID: id, Field: "phone"}
	}
	phoneOf := func(i int) string { return fmt.Sprintf("1390000%04d", i%700) }
	for i := range 1000 {
		id := fmt.Sprintf("c%d", i)
		ct, err := e.v.Seal(ctx, adFor(id), []byte(phoneOf(i)))
		if err != nil {
			t.Fatal(err)
		}
		tok, _ := tz.Token(ctx, "phone", phoneOf(i))
		index[tok] = append(index[tok], lookupRow{id, ct})
	}
	target := phoneOf(5)
	toks, _ := tz.Tokens(ctx, "phone", target)
	var cands []lookupRow
	for _, tok := range toks {
		cands = append(cands, index[tok]...)
	}
	got, err := ConfirmCandidates(ctx, e.v, target, cands, func(r lookupRow) (AssociatedData, []byte) { return adFor(r.id), r.ct })
	if err != nil {
		t.Fatal(err)
	}
	// Brute-force oracle: customers 5 and 705 hold the phone.
	if len(cands) <= 2 || len(got) != 2 || got[0].id != "c5" || got[1].id != "c705" {
		t.Fatalf("candidates %d, confirmed %v", len(cands), got)
	}
	if _, err := e.v.Shred(ctx, "shop1", "c705"); err != nil {
		t.Fatal(err)
	}
	got, err = ConfirmCandidates(ctx, e.v, target, cands, func(r lookupRow) (AssociatedData, []byte) { return adFor(r.id), r.ct })
	if err != nil || len(got) != 1 {
		t.Fatalf("after shred: %v %v", got, err)
	}
}
