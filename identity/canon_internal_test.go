package identity

import (
	"testing"

	"github.com/cimkit/cimkit/customer/clean"
)

// The fast maskers agree with clean.Mask (the reference).
func TestMaskersMatchClean(t *testing.T) {
	for _, v := range []string{"li@qq.com", "x@163.com", "abcdef@gmail.com", "张@qq.com"} {
		if got, want := string(appendMaskEmail(nil, v)), clean.Mask(clean.FieldEmail, v); got != want {
			t.Errorf("appendMaskEmail(%q) = %q, want %q", v, got, want)
		}
	}
	for _, v := range []string{"dev-0123456789abcdef", "abc", "ab", "M12345678", "a", "设备号123"} {
		if got, want := string(appendMaskEnds(nil, v)), clean.Mask("", v); got != want {
			t.Errorf("appendMaskEnds(%q) = %q, want %q", v, got, want)
		}
	}
	for _, v := range []string{"张伟", "王", "欧阳娜娜", "li wei", "Zhang San"} {
		if got, want := string(appendMaskName(nil, v)), clean.Mask(clean.FieldName, v); got != want {
			t.Errorf("appendMaskName(%q) = %q, want %q", v, got, want)
		}
	}
	if got, want := string(appendMaskPhone(nil, "+8613812345678")), "+86 "+clean.Mask(clean.FieldPhone, "13812345678"); got != want {
		t.Errorf("appendMaskPhone = %q, want %q", got, want)
	}
	if got, want := string(appendMaskPhone(nil, "+14155550123")), clean.Mask(clean.FieldPhone, "+14155550123"); got != want {
		t.Errorf("appendMaskPhone(US) = %q, want %q", got, want)
	}
}
