package clean

import (
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

// libraryMobile reports whether the library classifies the 11-digit
// national number n as a valid CN mobile number.
func libraryMobile(n uint64) bool {
	cc := int32(86)
	pn := &phonenumbers.PhoneNumber{CountryCode: &cc, NationalNumber: &n}
	return phonenumbers.IsValidNumber(pn) && phonenumbers.GetNumberType(pn) == phonenumbers.MOBILE
}

// TestMobileRangesMatchLibrary checks the fast path's prefix table against
// the library at every range boundary and on a random sample of prefixes.
// CIMKIT_PHONE_TABLE_FULL=1 checks all one million 7-digit prefixes.
func TestMobileRangesMatchLibrary(t *testing.T) {
	check := func(p uint32) {
		want := libraryMobile(uint64(p)*10000) && libraryMobile(uint64(p)*10000+9999) && libraryMobile(uint64(p)*10000+4821)
		if got := isMobilePrefix(p); got != want {
			t.Errorf("prefix %d: table says %v, library says %v", p, got, want)
		}
	}
	if os.Getenv("CIMKIT_PHONE_TABLE_FULL") == "1" {
		for p := uint32(1000000); p < 2000000; p++ {
			check(p)
		}
		return
	}
	for _, r := range mobileRanges {
		for _, p := range []uint32{r[0] - 1, r[0], r[0] + 1, r[1] - 1, r[1], r[1] + 1} {
			if p >= 1000000 && p < 2000000 {
				check(p)
			}
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 1000 {
		check(1000000 + rng.Uint32N(1000000))
	}
}

// phoneCorpus generates n raw inputs around mainland mobile numbers:
// valid and invalid prefixes, placeholders, country-code prefixes, spaces,
// dashes, wrong lengths and stray characters.
func phoneCorpus(seed uint64, n int) []string {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	out := make([]string, n)
	var b strings.Builder
	for i := range out {
		b.Reset()
		digits := make([]byte, 11)
		digits[0] = '1'
		for j := 1; j < 11; j++ {
			digits[j] = byte('0' + rng.IntN(10))
		}
		if rng.IntN(4) != 0 {
			digits[1] = "3456789"[rng.IntN(7)]
		}
		switch rng.IntN(20) {
		case 0:
			digits = append(digits, '5')[:10+rng.IntN(3)] // 10, 11 or 12 digits
		case 1:
			for j := 3; j < 11; j++ {
				digits[j] = digits[3]
			}
		case 2:
			copy(digits, "13800138000")
		case 3:
			digits[0] = byte('0' + rng.IntN(10))
		}
		if rng.IntN(4) == 0 {
			b.WriteString([]string{" ", "  ", "\t", "\u00a0"}[rng.IntN(4)])
		}
		if rng.IntN(3) == 0 {
			b.WriteString([]string{"+86", "+86 ", "86", "86 ", "0086", "0086-", "+0086 ", "+86-", "(+86)", "+85"}[rng.IntN(10)])
		}
		style := rng.IntN(6)
		for j, d := range digits {
			if j > 0 {
				switch {
				case style == 1 && (j == 3 || j == 7):
					b.WriteByte(' ')
				case style == 2 && (j == 3 || j == 7):
					b.WriteByte('-')
				case style == 3 && rng.IntN(5) == 0:
					b.WriteString([]string{" ", "-", "--", " - ", ".", "  "}[rng.IntN(6)])
				case style == 4 && j == 3:
					b.WriteString([]string{"*", "x", "·", "/", "\u200b", "１"}[rng.IntN(6)])
				}
			}
			b.WriteByte(d)
		}
		if rng.IntN(4) == 0 {
			b.WriteString([]string{" ", "-", ".0", " x12", "转8", "\n"}[rng.IntN(6)])
		}
		out[i] = b.String()
	}
	return out
}

func phoneDiffN(t testing.TB) int {
	n := 20000
	if s := os.Getenv("CIMKIT_PHONE_DIFF_N"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v <= 0 {
			t.Fatalf("CIMKIT_PHONE_DIFF_N=%q: want a positive integer", s)
		}
		n = v
	}
	return n
}

func describePhone(r PhoneResult, err error) string {
	return fmt.Sprintf("raw=%q e164=%s kind=%v region=%s ext=%s flags=%v err=%s",
		r.Raw, r.E164(), r.Kind, r.Region, r.Extension, r.Flags, ErrorClass(err))
}

// TestPhoneFastDifferential checks that Phone with the fast path gives
// exactly the result of the library path on a generated corpus
// (CIMKIT_PHONE_DIFF_N inputs, default 20000).
func TestPhoneFastDifferential(t *testing.T) {
	n := phoneDiffN(t)
	corpus := phoneCorpus(42, n)
	fast := New(nil)
	slow := New(&Options{DisablePhoneFastPath: true})
	workers := runtime.GOMAXPROCS(0)
	var mu sync.Mutex
	hits, mismatches := 0, 0
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h, m := 0, 0
			for i := w; i < len(corpus); i += workers {
				raw := corpus[i]
				// When the fast path declines, Phone runs the library path
				// itself, so only the inputs it takes need comparing.
				if _, ok := fast.phoneFast(raw); !ok {
					continue
				}
				h++
				a, errA := fast.Phone(raw)
				b, errB := slow.Phone(raw)
				da, db := describePhone(a, errA), describePhone(b, errB)
				if da != db {
					m++
					if m <= 5 {
						t.Errorf("mismatch:\n fast %s\n slow %s", da, db)
					}
				}
			}
			mu.Lock()
			hits += h
			mismatches += m
			mu.Unlock()
		}()
	}
	wg.Wait()
	if mismatches > 0 {
		t.Fatalf("%d of %d inputs differ", mismatches, n)
	}
	if hits < n/5 {
		t.Fatalf("fast path took only %d of %d inputs; corpus does not exercise it", hits, n)
	}
	t.Logf("%d inputs identical, %d on the fast path", n, hits)
}

func TestPhoneFastAllocs(t *testing.T) {
	c := Default()
	for _, raw := range []string{"13812345678", "+86 138 1234 5678", "138-1234-5678"} {
		if _, ok := c.phoneFast(raw); !ok {
			t.Fatalf("%q not on fast path", raw)
		}
		if a := testing.AllocsPerRun(100, func() { _, _ = c.Phone(raw) }); a != 0 {
			t.Errorf("%q: %v allocs, want 0", raw, a)
		}
	}
}

// benchCorpus is the shared corpus of clean and near-clean mainland mobile
// numbers for BenchmarkPhoneFast and BenchmarkPhoneLibrary.
func benchCorpus() []string {
	rng := rand.New(rand.NewPCG(7, 7))
	prefixes := []string{"138", "139", "150", "186", "188", "199", "166", "177", "135", "158"}
	out := make([]string, 4096)
	for i := range out {
		d := prefixes[rng.IntN(len(prefixes))] + fmt.Sprintf("%08d", rng.IntN(1e8))
		switch i % 4 {
		case 1:
			d = d[:3] + " " + d[3:7] + " " + d[7:]
		case 2:
			d = "+86" + d
		case 3:
			d = d[:3] + "-" + d[3:7] + "-" + d[7:]
		}
		out[i] = d
	}
	return out
}

func BenchmarkPhoneFast(b *testing.B) {
	corpus := benchCorpus()
	c := Default()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		r, err := c.Phone(corpus[i&4095])
		if err != nil || r.n != 14 {
			b.Fatal("fast path failed")
		}
		i++
	}
}

func BenchmarkPhoneLibrary(b *testing.B) {
	corpus := benchCorpus()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		pn, err := phonenumbers.Parse(corpus[i&4095], "CN")
		if err != nil || !phonenumbers.IsValidNumber(pn) || len(phonenumbers.Format(pn, phonenumbers.E164)) != 14 {
			b.Fatal("library failed")
		}
		i++
	}
}

// TestPhoneTidiedFastDifferential checks Phone and Phones with the fast
// paths against the library path on every input of the corpus and on the
// forms exports give them (full-width digits, tabs and odd spaces around,
// spreadsheet ".0" and scientific notation), where phones tidies the value
// before trying the fast path.
func TestPhoneTidiedFastDifferential(t *testing.T) {
	n := phoneDiffN(t) / 16
	if raceEnabled || testing.Short() {
		n /= 8
	}
	fast := New(nil)
	slow := New(&Options{DisablePhoneFastPath: true})
	fw := strings.NewReplacer("0", "０", "1", "１", "2", "２", "3", "３", "4", "４", "5", "５", "6", "６", "7", "７", "8", "８", "9", "９", "+", "＋", "-", "－", " ", "\u3000")
	var inputs []string
	for i, raw := range phoneCorpus(43, n) {
		inputs = append(inputs, raw, fw.Replace(raw), "\t"+raw+"\t", " "+raw+"\u00a0", raw+".0", raw+".00")
		if d := digitsOnly(raw); len(d) > 2 && i%2 == 0 {
			inputs = append(inputs, d[:1]+"."+d[1:]+"E"+strconv.Itoa(len(d)-1), d+"\r\n", fw.Replace(d))
		}
	}
	tidied := 0
	for _, raw := range inputs {
		if _, ok := fast.phoneFast(raw); !ok {
			if s, _ := tidy(raw); s != raw {
				tidied++
			}
		}
		a, errA := fast.Phone(raw)
		b, errB := slow.Phone(raw)
		if da, db := describePhone(a, errA), describePhone(b, errB); da != db {
			t.Fatalf("Phone mismatch:\n fast %s\n slow %s", da, db)
		}
		as, errA := fast.Phones(raw)
		bs, errB := slow.Phones(raw)
		if len(as) != len(bs) || ErrorClass(errA) != ErrorClass(errB) {
			t.Fatalf("Phones(%q): %d results (%v), slow %d (%v)", raw, len(as), errA, len(bs), errB)
		}
		for i := range as {
			if da, db := describePhone(as[i], as[i].Err), describePhone(bs[i], bs[i].Err); da != db {
				t.Fatalf("Phones mismatch:\n fast %s\n slow %s", da, db)
			}
		}
	}
	if tidied < len(inputs)/4 {
		t.Fatalf("only %d of %d inputs needed tidying; corpus does not exercise the tidied path", tidied, len(inputs))
	}
	t.Logf("%d inputs identical (%d tidied first)", len(inputs), tidied)
}
