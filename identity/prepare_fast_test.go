package identity

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/cimkit/cimkit/customer/clean"
)

// rawPools are raw identifier values per kind: clean and messy forms,
// placeholders, blocklisted values, values that canonicalise alike but
// display differently (a typo domain and the intended one), and values
// the fast paths must leave to the general code (Unicode spaces, upper
// case, non-ASCII).
var rawPools = map[Kind][]string{
	KindPhone: {"13812345678", "+86 138 1234 5678", "138-1234-5678", "008613812345678", "138****5678",
		"13800000000", "+1 415 555 0123", "+86 138****5678", "+86 139****0000", "12345", "", "  13912345678 ", "１３８１２３４５６７８", "phone"},
	KindDevice: {"0123456789abcdef", "0123456789ABCDEF", " 0123456789abcdef ", "\t0123456789abcdef\n",
		"\u00a00123456789abcdef", "0123456789abcdef\u0085", "\u3000dev", "unknown", "UNKNOWN", " null ", "00000000-0000-0000-0000-000000000000",
		"ffffffff", "Dev-é", "dev-ß", "-", "n/a", "无", "a", "ab", "", "İd"},
	KindEmail: {"li.wei@gmail.com", "liwei@gmail.com", "LiWei+shop@Gmail.com", "ab@163.cm", "ab@163.com", "Ab@163.com",
		"x@qq.con", "x@qq.com", "test@test.com", "not an email", "张@qq.com", "", "n/a"},
	KindMemberID:      {"m001", "M001", " M001", "m002", "test", "TEST", "0", "none", "会员1", ""},
	KindName:          {"张三", "张 三", "王先生", "欧阳娜娜", "zhang san", "Mr. Li Wei", "测试", "李", "张三先生", "", "123"},
	KindWeChatOpenID:  {"oABC", " oABC ", "unknown", "Unknown", "null", "oabc", ""},
	KindWeChatUnionID: {"uABC", "undefined", "uABC ", ""},
	KindIDCard:        {"11010519491231002X", "110105194912310021", "bad", ""},
	KindMaskedPhone:   {"138****5678", "139****0000"},
	KindSurname:       {"张", "欧阳", " 王 "},
}

// randomIdentifiers draws up to n identifiers from rawPools.
func randomIdentifiers(rng *rand.Rand, n int) []Identifier {
	kinds := make([]Kind, 0, len(rawPools))
	for k := range rawPools {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	var ids []Identifier
	for range rng.IntN(n + 1) {
		k := kinds[rng.IntN(len(kinds))]
		p := rawPools[k]
		ids = append(ids, Identifier{Kind: k, Value: p[rng.IntN(len(p))]})
	}
	return ids
}

// testRuleSets are the default rules and rules where the derived kinds
// (surname, masked phone) have blocklists of their own.
func testRuleSets(t *testing.T) map[string]*Rules {
	def, _ := NewRules(nil)
	custom := DefaultRules()
	for i := range custom {
		switch custom[i].Kind {
		case KindSurname:
			custom[i].Blocklist = []string{"张"}
		case KindMaskedPhone:
			custom[i].Blocklist = []string{"139****0000"}
		case KindName:
			custom[i].Blocklist = []string{"李"}
		case KindPhone:
			custom[i].Blocklist = []string{"+8613912345678"}
		}
	}
	rs, err := NewRules(custom)
	if err != nil {
		t.Fatal(err)
	}
	// Only the derived kinds list anything: a value of a derived kind
	// must be checked against its own kind's rule.
	derived := DefaultRules()
	for i := range derived {
		switch derived[i].Kind {
		case KindSurname:
			derived[i].Blocklist = []string{"张"}
		case KindMaskedPhone:
			derived[i].Blocklist = []string{"861**0000"}
		}
	}
	ds, err := NewRules(derived)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]*Rules{"default": def, "custom": rs, "derived": ds}
}

// errorText renders an error for comparison (nil as "").
func errorText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// canonicalise and assemble give exactly what the reference gives (the
// code before the fast paths) on many random records, with the plain
// tokenizer and with tokenizers used through the interfaces.
func TestPrepareFastPathsMatchReference(t *testing.T) {
	n := 3_000 // per rule set and tokenizer: 27,000 records
	if testing.Short() || raceOn {
		n = 500
	}
	toks := map[string]Tokenizer{"plain": PlainTokenizer{}, "token-only": tokenOnly{}, "appender": appender{}}
	for rsName, rs := range testRuleSets(t) {
		for tokName, tok := range toks {
			r := NewResolver(nil, &Options{Rules: rs, Tokenizer: tok})
			rng := rand.New(rand.NewPCG(7, uint64(len(rsName)+len(tokName))))
			for i := range n {
				maxIDs := 8
				if i%10 == 0 {
					maxIDs = 20 // more than 12 values: the general sort
				}
				ids := randomIdentifiers(rng, maxIDs)
				var got, want, mat []value
				for _, id := range ids {
					var gf, wf, mf clean.Flags
					var gerr, werr, merr error
					got, gf, gerr = rs.canonicaliseLazy(r.clean, id, got) // as Prepare
					mat, mf, merr = rs.canonicalise(r.clean, id, mat)     // as Lookup
					want, wf, werr = canonicaliseRef(rs, r.clean, id, want)
					if gf != wf || mf != wf || errorText(gerr) != errorText(werr) || errorText(merr) != errorText(werr) || errors.Is(gerr, ErrBlocked) != errors.Is(werr, ErrBlocked) {
						t.Fatalf("%s: canonicalise(%s %q): flags %v err %v; reference %v %v", rsName, id.Kind, id.Value, gf, gerr, wf, werr)
					}
				}
				if len(got) != len(want) || len(mat) != len(want) {
					t.Fatalf("%s: %d and %d values, reference %d", rsName, len(got), len(mat), len(want))
				}
				for j := range got {
					g, m := got[j], mat[j]
					if g.weak != rs.rule(g.kind).Weak || m.weak != g.weak {
						t.Fatalf("%s: value %d (%s) weak %v", rsName, j, g.kind, g.weak)
					}
					if m.ne164 != 0 || g.kind == KindPhone && g.ne164 == 0 {
						t.Fatalf("%s: value %d (%s): lazy phone %d, materialised %d", rsName, j, g.kind, g.ne164, m.ne164)
					}
					g.canon, g.e164, g.ne164, g.weak, m.weak = g.canonical(), [16]byte{}, 0, false, false
					if g != want[j] || m != want[j] {
						t.Fatalf("%s: value %d = %+v (materialised %+v), reference %+v", rsName, j, got[j], m, want[j])
					}
				}
				if len(got) == 0 {
					continue
				}
				gk, ge, gd, gerr := r.assemble(context.Background(), got)
				wk, we, wd, werr := r.assembleRef(context.Background(), want)
				if !slices.Equal(gk, wk) || !slices.Equal(ge, we) || !slices.Equal(gd, wd) || errorText(gerr) != errorText(werr) {
					t.Fatalf("%s/%s: assemble(%v)\n got %v %v %q %v\nwant %v %v %q %v", rsName, tokName, ids, gk, ge, gd, gerr, wk, we, wd, werr)
				}
			}
		}
	}
}

// canonicaliseRef is canonicalise over the reference canonValues.
func canonicaliseRef(rs *Rules, c *clean.Cleaner, id Identifier, dst []value) ([]value, clean.Flags, error) {
	out, flags, err := rs.canonValuesRef(c, id, dst)
	if err != nil {
		return dst, flags, err
	}
	return out, flags, nil
}

// canonSimple agrees with the reference on every canonicalisation for
// strings that do and do not take the one-pass path.
func TestCanonSimpleMatchesReference(t *testing.T) {
	alphabet := []rune("abzAZ09-_: \t\n\v\f\r\u0085\u00a0\u3000éÉßİ张\u200b")
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 50_000 {
		var b strings.Builder
		for range rng.IntN(8) {
			b.WriteRune(alphabet[rng.IntN(len(alphabet))])
		}
		s := b.String()
		for c := CanonTrim; c <= CanonDevice; c++ {
			if got, want := canonSimple(c, s), canonSimpleRef(c, s); got != want {
				t.Fatalf("%d: canonSimple(%d, %q) = %q, want %q", i, c, s, got, want)
			}
		}
	}
}

// tokenOnly is a Tokenizer without AppendToken; appender has both.
type tokenOnly struct{}

func (tokenOnly) Token(_ context.Context, k Kind, v string) (string, error) {
	if v == "boom" {
		return "", errors.New("boom")
	}
	return fmt.Sprintf("%s/%d/%s", k, len(v), strings.ToUpper(v)), nil
}

type appender struct{ tokenOnly }

func (a appender) AppendToken(ctx context.Context, dst []byte, k Kind, v string) ([]byte, error) {
	t, err := a.Token(ctx, k, v)
	return append(dst, t...), err
}
