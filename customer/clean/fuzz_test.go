package clean

import (
	"strings"
	"testing"
)

// Seeds shared by the fuzz tests: every row of phones.tsv is added to
// FuzzPhone separately.
var fuzzSeeds = []string{
	"", " ", "无", "N/A", "\u200b", "\ufeff\t\n", "１３８１２３４５６７８", "+86 138 1234 5678", "138****5678",
	"13812345678.0", "1.38123E+10", "010-88888888转123", "13812345678/13912345678", "+852 9123 4567",
	"Zhang.San@QQ.com", "a@b", "x@gmial.com", "a..b@c.com", "用户@例子.广告", "张 三", "王先生", "Mr. John Smith",
	"测试", "欧阳娜娜", "阿卜杜拉·买买提", "2024-10-05", "05/10/2024", "2024年10月5日", "45570", "2024-02-30",
	"11010519491231002X", "110105491231002", "1.10105194912310E+17", "北京市朝阳区建国路88号", "广东深圳南山区科技园",
	"京朝阳区建国路", "香港九龙油尖旺区弥敦道1号", "100020 北京市朝阳区", "男", "F", "MX MX A", "ȬJ̌", "\u064b先生", "王先生先生", "000000 .", "0 ,000000", "000000\x8f(000000", "0 000000,", "- -", "17000000001转0000000", "\xff\xfe", strings.Repeat("9", 300),
}

func addSeeds(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
}

func FuzzPhone(f *testing.F) {
	addSeeds(f)
	for _, line := range strings.Split(readTSVRaw(), "\n") {
		f.Add(line)
	}
	fast := New(nil)
	slow := New(&Options{DisablePhoneFastPath: true})
	f.Fuzz(func(t *testing.T, raw string) {
		rs, _ := fast.Phones(raw)
		if len(rs) == 0 {
			t.Fatal("Phones returned no result")
		}
		if _, ok := fast.phoneFast(raw); ok {
			a, errA := fast.Phone(raw)
			b, errB := slow.Phone(raw)
			if describePhone(a, errA) != describePhone(b, errB) {
				t.Fatalf("fast and library paths differ:\n%s\n%s", describePhone(a, errA), describePhone(b, errB))
			}
		}
		for _, r := range rs {
			if r.Raw != raw {
				t.Fatalf("Raw %q, want the input", r.Raw)
			}
			if (r.Err == nil) != r.OK() {
				t.Fatalf("OK %v with Err %v", r.OK(), r.Err)
			}
			if !r.OK() {
				continue
			}
			v := r.Value()
			again, err := fast.Phone(v)
			if err != nil || again.Value() != v || again.Kind != r.Kind || again.Region != r.Region {
				t.Fatalf("%q → %q does not re-clean to itself: %q %v", raw, v, again.Value(), err)
			}
		}
	})
}

func FuzzEmail(f *testing.F) {
	addSeeds(f)
	c := New(nil)
	f.Fuzz(func(t *testing.T, raw string) {
		r, err := c.Email(raw)
		if r.Raw != raw || (err == nil) != (r.Value != "") {
			t.Fatalf("Raw %q Value %q err %v", r.Raw, r.Value, err)
		}
		if err != nil {
			return
		}
		again, err := c.Email(r.Value)
		if err != nil || again.Value != r.Value || again.MatchKey != r.MatchKey {
			t.Fatalf("%q → %q does not re-clean to itself: %q %v", raw, r.Value, again.Value, err)
		}
		if k, err := c.Email(r.MatchKey); err != nil || k.MatchKey != r.MatchKey {
			t.Fatalf("match key %q is not stable: %q %v", r.MatchKey, k.MatchKey, err)
		}
	})
}

func FuzzName(f *testing.F) {
	addSeeds(f)
	c := New(nil)
	f.Fuzz(func(t *testing.T, raw string) {
		r, err := c.Name(raw)
		if r.Raw != raw || (err == nil) != (r.Value != "") {
			t.Fatalf("Raw %q Value %q err %v", r.Raw, r.Value, err)
		}
		if err != nil {
			return
		}
		again, err := c.Name(r.Value)
		if err != nil || again.Value != r.Value {
			t.Fatalf("%q → %q does not re-clean to itself: %q %v", raw, r.Value, again.Value, err)
		}
	})
}

func FuzzGender(f *testing.F) {
	addSeeds(f)
	c := New(nil)
	f.Fuzz(func(t *testing.T, raw string) {
		r, err := c.Gender(raw)
		if r.Raw != raw || (err == nil) != r.Known {
			t.Fatalf("Raw %q Known %v err %v", r.Raw, r.Known, err)
		}
		if err != nil {
			return
		}
		again, err := c.Gender(r.Value.String())
		if err != nil || again.Value != r.Value {
			t.Fatalf("%q → %v does not re-clean to itself: %v %v", raw, r.Value, again.Value, err)
		}
	})
}

func FuzzBirthDate(f *testing.F) {
	addSeeds(f)
	c := testCleaner()
	f.Fuzz(func(t *testing.T, raw string) {
		r, err := c.BirthDate(raw)
		if r.Raw != raw || (err == nil) != (r.Value != "") {
			t.Fatalf("Raw %q Value %q err %v", r.Raw, r.Value, err)
		}
		if err != nil {
			return
		}
		again, err := c.BirthDate(r.Value)
		if err != nil || again.Value != r.Value || !again.Date.Equal(r.Date) {
			t.Fatalf("%q → %q does not re-clean to itself: %q %v", raw, r.Value, again.Value, err)
		}
	})
}

func FuzzIDCard(f *testing.F) {
	addSeeds(f)
	c := testCleaner()
	f.Fuzz(func(t *testing.T, raw string) {
		r, err := c.IDCard(raw)
		if r.Raw != raw || (err == nil) != (r.Value != "") || !r.Flags.Has(FlagSensitive) && err == nil {
			t.Fatalf("Raw %q Value %q flags %v err %v", r.Raw, r.Value, r.Flags, err)
		}
		if err != nil {
			return
		}
		again, err := c.IDCard(r.Value)
		if err != nil || again.Value != r.Value || again.BirthDate != r.BirthDate || again.Gender != r.Gender {
			t.Fatalf("%q → %q does not re-clean to itself: %q %v", raw, r.Value, again.Value, err)
		}
	})
}

func FuzzAddress(f *testing.F) {
	addSeeds(f)
	c := New(nil)
	f.Fuzz(func(t *testing.T, raw string) {
		r, err := c.Address(raw)
		if r.Raw != raw || (err == nil) != (r.Value != "") {
			t.Fatalf("Raw %q Value %q err %v", r.Raw, r.Value, err)
		}
		if err != nil {
			return
		}
		again, err := c.Address(r.Value)
		if err != nil || again.Value != r.Value || again.Province != r.Province || again.City != r.City || again.District != r.District {
			t.Fatalf("%q → %q does not re-clean to itself:\n %+v\n %+v %v", raw, r.Value, r, again, err)
		}
	})
}

func FuzzRecord(f *testing.F) {
	f.Add("13812345678", "张三", "a@qq.com", "男", "1990-01-02", "11010519491231002X", "北京市朝阳区建国路88号")
	f.Add("", "", "", "", "", "", "")
	c := New(nil)
	m, _ := ParseMapping("phone=p,name=n,email=e,gender=g,birthdate=b,idcard=i,address=a")
	f.Fuzz(func(t *testing.T, p, n, e, g, b, i, a string) {
		r := c.Record(map[string]string{"p": p, "n": n, "e": e, "g": g, "b": b, "i": i, "a": a}, m)
		if len(r.Fields) != 7 || r.Quality < 0 || r.Quality > 1 || r.Completeness < 0 || r.Completeness > 1 {
			t.Fatalf("bad record result %+v", r)
		}
		rp := NewReport(0)
		rp.Add(1, &r)
		var sb strings.Builder
		if err := rp.WriteText(&sb); err != nil {
			t.Fatal(err)
		}
	})
}
