package clean

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
)

func TestParseMapping(t *testing.T) {
	m, err := ParseMapping("phone=mobile_col, name=name_col,EMAIL=mail")
	if err != nil {
		t.Fatal(err)
	}
	if m.Columns[FieldPhone] != "mobile_col" || m.Columns[FieldName] != "name_col" || m.Columns[FieldEmail] != "mail" {
		t.Fatalf("got %v", m.Columns)
	}
	if got := m.String(); got != "phone=mobile_col,email=mail,name=name_col" {
		t.Fatalf("String = %q", got)
	}
	for _, bad := range []string{"", "phone", "phone=", "fax=col", "phone=a,phone=b"} {
		if _, err := ParseMapping(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestRecord(t *testing.T) {
	c := testCleaner()
	m := Mapping{
		Columns:  map[Field]string{FieldPhone: "mobile", FieldEmail: "mail", FieldName: "who", FieldGender: "sex", FieldBirthDate: "dob", FieldAddress: "addr"},
		Defaults: map[Field]string{FieldGender: "未知"},
	}
	r := c.Record(map[string]string{
		"mobile": "138 1234 5678", "mail": "Zhang@QQ.com", "who": "张 三", "dob": "1990/1/2",
		"addr": "北京市朝阳区建国路88号", "ignored": "x",
	}, m)
	if len(r.Fields) != 6 {
		t.Fatalf("%d fields, want 6", len(r.Fields))
	}
	want := map[Field]string{FieldPhone: "+8613812345678", FieldEmail: "zhang@qq.com", FieldName: "张三",
		FieldGender: "unknown", FieldBirthDate: "1990-01-02", FieldAddress: "北京市朝阳区建国路88号"}
	for i, f := range r.Fields {
		if f.Field != AllFields()[[]int{0, 1, 2, 3, 4, 6}[i]] {
			t.Errorf("field %d is %s: not in Fields order", i, f.Field)
		}
		if f.Err != nil || f.Value != want[f.Field] {
			t.Errorf("%s: %q %v, want %q", f.Field, f.Value, f.Err, want[f.Field])
		}
	}
	if !r.Fields[3].Defaulted || r.Phones[0].E164() != "+8613812345678" || r.Name.Surname != "张" {
		t.Errorf("typed results not filled: %+v", r)
	}
	if r.Completeness != 1 {
		t.Errorf("completeness %v, want 1", r.Completeness)
	}
	// Weights: phone 3 (default region is not a warning), email 2, name 1.5,
	// gender 0.5 defaulted → 0.375, birth date 1, address 1.5.
	if want := (3 + 2 + 1.5 + 0.375 + 1 + 1.5) / 9.5; abs(r.Quality-want) > 1e-9 {
		t.Errorf("quality %v, want %v", r.Quality, want)
	}
	bad := c.Record(map[string]string{"mobile": "138****5678", "mail": "a@a.com", "who": "测试"}, m)
	if bad.Identified() || bad.Completeness >= 0.5 {
		t.Errorf("bad record: identified=%v completeness=%v", bad.Identified(), bad.Completeness)
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func TestReport(t *testing.T) {
	c := testCleaner()
	m, _ := ParseMapping("phone=mobile,name=who,email=mail")
	rows := []map[string]string{
		{"mobile": "13812345678", "who": "张三", "mail": "a1@qq.com"},
		{"mobile": "138****5678", "who": "李四", "mail": ""},
		{"mobile": "13912345678", "who": "测试", "mail": "x@gmial.com"},
		{"mobile": "1.38123E+10", "who": "王五", "mail": "bad"},
	}
	rp := NewReport(1)
	var wg sync.WaitGroup
	for i, row := range rows {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := c.Record(row, m)
			rp.Add(i+1, &r)
		}()
	}
	wg.Wait()
	if rp.Records() != 4 || rp.Rejected() != 2 || len(rp.Rejections()) != 1 {
		t.Fatalf("records %d rejected %d kept %d", rp.Records(), rp.Rejected(), len(rp.Rejections()))
	}
	fs := rp.Fields()
	if fs[0].Field != FieldPhone || fs[0].Usable != 2 || fs[0].Errors["masked"] != 1 || fs[0].Errors["lossy"] != 1 || fs[0].Flags["spreadsheet"] != 1 {
		t.Errorf("phone stats %+v", fs[0])
	}
	if fs[1].Field != FieldEmail || fs[1].Flags["typo"] != 1 || fs[1].Errors["empty"] != 1 {
		t.Errorf("email stats %+v", fs[1])
	}
	var buf bytes.Buffer
	if err := rp.WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, pii := range []string{"13812345678", "李四", "王五", "1.38123E+10"} {
		if strings.Contains(out, pii) {
			t.Errorf("report contains raw PII %q:\n%s", pii, out)
		}
	}
	for _, want := range []string{"records 4 accepted 2 rejected 2", "field phone seen 4 usable 2", "error:masked=1", "flag:typo=1", "1 more rejected records not listed"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
}

func TestMask(t *testing.T) {
	for _, tt := range []struct {
		f         Field
		raw, want string
	}{
		{FieldPhone, "13812345678", "138****5678"},
		{FieldPhone, "+86 138 1234 5678", "861******5678"},
		{FieldEmail, "zhang@qq.com", "z***@qq.com"},
		{FieldName, "张三", "张*"},
		{FieldIDCard, "11010519491231002X", "1101**********002X"},
		{FieldAddress, "北京市朝阳区建国路88号", "北京市朝阳区***"},
		{FieldBirthDate, "1990-01-02", "1********2"},
	} {
		if got := Mask(tt.f, tt.raw); got != tt.want {
			t.Errorf("Mask(%s, %q) = %q, want %q", tt.f, tt.raw, got, tt.want)
		}
	}
}

func TestFieldErrorNoPII(t *testing.T) {
	c := testCleaner()
	raws := []string{"13812345678x", "zhang@@qq.com", "张三123", "1990-02-30", "110105194912310021", "张三先生的家"}
	for _, raw := range raws {
		_, e1 := c.Phone(raw)
		_, e2 := c.Email(raw)
		_, e3 := c.Name(raw)
		_, e4 := c.BirthDate(raw)
		_, e5 := c.IDCard(raw)
		_, e6 := c.Gender(raw)
		for _, err := range []error{e1, e2, e3, e4, e5, e6} {
			var fe *FieldError
			if err != nil && (!errors.As(err, &fe) || strings.Contains(err.Error(), raw)) {
				t.Errorf("%q: error %q is not a clean *FieldError free of the value", raw, err)
			}
		}
	}
}

// typicalRecords builds n seeded records like those of an e-commerce
// import: mostly clean mobiles in a few formats, Chinese names, common
// email providers, some blanks and some dirt.
func typicalRecords(n int) []map[string]string {
	rng := rand.New(rand.NewPCG(11, 13))
	surnames := []string{"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "欧阳"}
	given := []string{"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "艳", "勇", "杰", "娟", "涛"}
	domains := []string{"qq.com", "163.com", "126.com", "gmail.com", "sina.com", "hotmail.com", "foxmail.com"}
	addrs := []string{"北京市朝阳区建国路%d号", "上海市浦东新区世纪大道%d号", "广东省深圳市南山区科技园%d栋",
		"浙江省杭州市西湖区文三路%d号", "广东广州天河区体育西路%d号", "四川省成都市武侯区人民南路%d号", "江苏南京鼓楼区中山路%d号"}
	prefixes := []string{"138", "139", "150", "186", "188", "199", "135", "158", "177", "131"}
	out := make([]map[string]string, n)
	for i := range out {
		mobile := prefixes[rng.IntN(len(prefixes))] + fmt.Sprintf("%08d", rng.IntN(1e8))
		switch rng.IntN(10) {
		case 0:
			mobile = "+86 " + mobile
		case 1:
			mobile = mobile[:3] + "-" + mobile[3:7] + "-" + mobile[7:]
		case 2:
			mobile = mobile[:3] + " " + mobile[3:7] + " " + mobile[7:]
		}
		name := surnames[rng.IntN(len(surnames))] + given[rng.IntN(len(given))]
		if rng.IntN(2) == 0 {
			name += given[rng.IntN(len(given))]
		}
		rec := map[string]string{
			"mobile": mobile,
			"name":   name,
			"email":  fmt.Sprintf("user%d@%s", rng.IntN(1e6), domains[rng.IntN(len(domains))]),
			"gender": []string{"男", "女", "M", "F", "1", "0", ""}[rng.IntN(7)],
			"dob":    fmt.Sprintf("%d-%02d-%02d", 1960+rng.IntN(45), 1+rng.IntN(12), 1+rng.IntN(28)),
			"addr":   fmt.Sprintf(addrs[rng.IntN(len(addrs))], 1+rng.IntN(300)),
		}
		if rng.IntN(5) == 0 {
			rec["email"] = ""
		}
		out[i] = rec
	}
	return out
}

func TestTypicalRecordsClean(t *testing.T) {
	c := testCleaner()
	m, _ := ParseMapping("phone=mobile,email=email,name=name,gender=gender,birthdate=dob,address=addr")
	for i, rec := range typicalRecords(500) {
		r := c.Record(rec, m)
		for _, f := range r.Fields {
			if f.Err != nil && !(f.Field == FieldEmail || f.Field == FieldGender) {
				t.Errorf("record %d %s: %v", i, f.Field, f.Err)
			}
		}
		if r.Address.Code == "" || r.Address.District == "" {
			t.Errorf("record %d: address not split: %+v", i, r.Address)
		}
	}
}

func BenchmarkCleanRecord(b *testing.B) {
	c := New(nil)
	m, _ := ParseMapping("phone=mobile,email=email,name=name,gender=gender,birthdate=dob,address=addr")
	recs := typicalRecords(1024)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		r := c.Record(recs[i&1023], m)
		if len(r.Fields) != 6 {
			b.Fatal("fields missing")
		}
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}
