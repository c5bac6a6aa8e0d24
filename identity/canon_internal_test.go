package identity

import (
	"testing"

	"github.com/cimkit/cimkit/customer/clean"
)

// The fast maskers agree with clean.Mask (the reference) on ASCII values.
func TestMaskersMatchClean(t *testing.T) {
	for _, v := range []string{"li@qq.com", "x@163.com", "abcdef@gmail.com"} {
		if got, want := maskEmail(v), clean.Mask(clean.FieldEmail, v); got != want {
			t.Errorf("maskEmail(%q) = %q, want %q", v, got, want)
		}
	}
	for _, v := range []string{"dev-0123456789abcdef", "abc", "ab", "M12345678"} {
		if got, want := maskEnds(v), clean.Mask("", v); got != want {
			t.Errorf("maskEnds(%q) = %q, want %q", v, got, want)
		}
	}
	if got, want := maskPhone("+8613812345678"), "+86 "+clean.Mask(clean.FieldPhone, "13812345678"); got != want {
		t.Errorf("maskPhone = %q, want %q", got, want)
	}
}
