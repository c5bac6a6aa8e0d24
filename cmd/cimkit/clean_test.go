package main

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCapture(t *testing.T, stdin string, args ...string) (code int, out, errOut string) {
	t.Helper()
	var o, e bytes.Buffer
	code = run(stdio{strings.NewReader(stdin), &o, &e}, args)
	return code, o.String(), e.String()
}

func readCSVString(t *testing.T, s string) [][]string {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(s)).ReadAll()
	if err != nil {
		t.Fatalf("output is not CSV: %v\n%s", err, s)
	}
	return recs
}

func TestCleanPhoneCLI(t *testing.T) {
	in := "138 1234 5678\n13812345678/13912345678\n138****5678\n\n010-88888888转123\r\n1.38123E+10"
	code, out, errOut := runCapture(t, in, "clean", "phone")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	want := [][]string{
		{"raw", "value", "kind", "flags", "error"},
		{"138 1234 5678", "+8613812345678", "mobile", "default_region", ""},
		{"13812345678/13912345678", "+8613812345678|+8613912345678", "mobile|mobile", "multiple|default_region", ""},
		{"138****5678", "", "", "masked", "masked: number is masked"},
		{"", "", "", "", "empty: no value"},
		{"010-88888888转123", "+861088888888;ext=123", "fixed_line", "extension|default_region|label", ""},
		{"1.38123E+10", "", "", "spreadsheet", "lossy: spreadsheet scientific notation lost digits"},
	}
	got := readCSVString(t, out)
	if len(got) != len(want) {
		t.Fatalf("got %d rows, want %d:\n%s", len(got), len(want), out)
	}
	for i := range want {
		if strings.Join(got[i], ",") != strings.Join(want[i], ",") {
			t.Errorf("row %d: got %q, want %q", i, got[i], want[i])
		}
	}
}

func TestCleanRegionAndFileCLI(t *testing.T) {
	path := filepath.Join(t.TempDir(), "in.txt")
	if err := os.WriteFile(path, []byte("9123 4567\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCapture(t, "", "clean", "phone", "-region", "HK", "-in", path)
	if code != 0 || !strings.Contains(out, "9123 4567,+85291234567,mobile,default_region,") {
		t.Fatalf("exit %d out %q err %q", code, out, errOut)
	}
}

func TestCleanOtherFieldsCLI(t *testing.T) {
	tests := []struct {
		kind, in, row string
	}{
		{"email", "Bob@GMIAL.com", "Bob@GMIAL.com,bob@gmial.com,suggest:bob@gmail.com,lowercased|typo,"},
		{"name", "王先生", "王先生,王,,title,"},
		{"gender", "女", "女,female,,,"},
		{"birthdate", "2024年10月5日", "2024年10月5日,2024-10-05,,,"},
		{"idcard", "11010519491231002X", "11010519491231002X,11010519491231002X,female,sensitive,"},
		{"idcard", "110105194912310021", "110105194912310021,,,sensitive,invalid: check digit mismatch"},
		{"address", "广东深圳南山区科技园", "广东深圳南山区科技园,广东省深圳市南山区科技园,440305,short_name,"},
	}
	for _, tt := range tests {
		code, out, errOut := runCapture(t, tt.in+"\n", "clean", tt.kind)
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if code != 0 || len(lines) != 2 || lines[0] != "raw,value,kind,flags,error" || lines[1] != tt.row {
			t.Errorf("%s %q: exit %d err %q out:\n%s\nwant row %s", tt.kind, tt.in, code, errOut, out, tt.row)
		}
	}
}

func TestCleanRecordCLI(t *testing.T) {
	in := "\ufeffmobile_col,name_col,mail,sex\n" +
		"13812345678,张 三,Zhang@QQ.con,男\n" +
		"138****5678,测试,,x\n" +
		"\"+86 010 8888 8888\",王先生,a@163.com,\n"
	code, out, errOut := runCapture(t, in, "clean", "record", "-map", "phone=mobile_col,name=name_col,email=mail,gender=sex", "-default", "gender=未知")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	got := readCSVString(t, out)
	wantHeader := "row,phone,phone_flags,phone_error,email,email_flags,email_error,name,name_flags,name_error,gender,gender_flags,gender_error,quality,accepted"
	if strings.Join(got[0], ",") != wantHeader || len(got) != 4 {
		t.Fatalf("output:\n%s", out)
	}
	if r := got[1]; r[1] != "+8613812345678" || r[4] != "zhang@qq.con" || r[5] != "lowercased|typo" || r[7] != "张三" || r[10] != "male" || r[14] != "true" {
		t.Errorf("row 1: %q", r)
	}
	if r := got[2]; r[3] != "masked: number is masked" || r[14] != "false" {
		t.Errorf("row 2: %q", r)
	}
	if r := got[3]; r[1] != "+861088888888" || r[7] != "王" || r[10] != "unknown" {
		t.Errorf("row 3: %q", r)
	}
	for _, want := range []string{"records 3 accepted 2 rejected 1", "field gender seen 3 usable 2 defaulted 1", "rejected record 2:", `name placeholder (placeholder name) "测*"`} {
		if !strings.Contains(errOut, want) {
			t.Errorf("report lacks %q:\n%s", want, errOut)
		}
	}
	if strings.Contains(errOut, "138****5678") || strings.Contains(errOut, "测试") {
		t.Errorf("report shows raw values:\n%s", errOut)
	}
}

func TestCleanUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"clean"},
		{"clean", "fax"},
		{"clean", "phone", "-bogus"},
		{"clean", "record"},
		{"clean", "record", "-map", "fax=x"},
		{"clean", "record", "-map", "phone=missing_col"},
	} {
		code, _, errOut := runCapture(t, "a,b\n1,2\n", args...)
		if code != 2 {
			t.Errorf("%q: exit %d, want 2 (%s)", args, code, errOut)
		}
	}
	if code, _, errOut := runCapture(t, "", "clean", "phone", "-in", "/nonexistent/file"); code != 1 {
		t.Errorf("missing file: exit %d (%s)", code, errOut)
	}
	if code, _, errOut := runCapture(t, strings.Repeat("1", 2<<20), "clean", "phone"); code != 1 || !strings.Contains(errOut, "line 1: line longer than 1 MiB") {
		t.Errorf("long line: exit %d (%s)", code, errOut)
	}
	if code, _, errOut := runCapture(t, "", "clean", "record", "-h"); code != 0 || !strings.Contains(errOut, "-map syntax") {
		t.Errorf("record -h: exit %d:\n%s", code, errOut)
	}
}
