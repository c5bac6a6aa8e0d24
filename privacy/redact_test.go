package privacy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestMasks(t *testing.T) {
	for _, tc := range []struct {
		name string
		v    fmt.Stringer
		want string
	}{
		{"PhoneCN", Phone("13812345678"), "138****5678"},
		{"PhoneE164", Phone("+8613812345678"), "+86138****5678"},
		{"PhoneEight", Phone("12345678"), "****5678"},
		{"PhoneShort", Phone("12345"), "***45"},
		{"PhoneTiny", Phone("123"), "***"},
		{"PhoneEmpty", Phone(""), ""},
		{"Email", Email("zhangsan@qq.com"), "z***@qq.com"},
		{"EmailUnicode", Email("张三@例子.中国"), "张***@例子.中国"},
		{"EmailNoAt", Email("zhangsan"), "***"},
		{"EmailLeadingAt", Email("@qq.com"), "***"},
		{"Name2", Name("张三"), "张*"},
		{"Name3", Name("欧阳娜娜"), "欧***"},
		{"NameLatin", Name("John Smith"), "J***"},
		{"NameOne", Name("张"), "张"},
		{"Text", Text("北京市朝阳区建国路88号"), "***"},
		{"TextEmpty", Text(""), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.v.String(); got != tc.want {
				t.Fatalf("String() = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestRedactionEverywhere prints each type every way a program might and
// checks the plaintext never appears.
func TestRedactionEverywhere(t *testing.T) {
	type record struct {
		Phone Phone
		Email Email
		Name  Name
		Note  Text
	}
	r := record{Phone("13812345678"), Email("zhangsan@qq.com"), Name("张三"), Text("北京市朝阳区建国路88号")}
	secrets := []string{"13812345678", "12345678", "zhangsan", "张三", "朝阳"}
	var logBuf bytes.Buffer
	lg := slog.New(slog.NewJSONHandler(&logBuf, nil))
	lg.Info("m", "phone", r.Phone, "email", r.Email, "rec", r)
	var textBuf bytes.Buffer
	slog.New(slog.NewTextHandler(&textBuf, nil)).Info("m", "name", r.Name, "note", r.Note)
	js, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	outputs := map[string]string{
		"%v":       fmt.Sprintf("%v", r.Phone),
		"%+v":      fmt.Sprintf("%+v", r.Phone),
		"%#v":      fmt.Sprintf("%#v", r.Phone),
		"%s":       fmt.Sprintf("%s", r.Phone),
		"%q":       fmt.Sprintf("%q", r.Phone),
		"%x":       fmt.Sprintf("%x", r.Phone),
		"%X":       fmt.Sprintf("%X", r.Phone),
		"%d":       fmt.Sprintf("%d", r.Phone),
		"%20s":     fmt.Sprintf("%20s", r.Phone),
		"Print":    fmt.Sprint(r.Phone, r.Email, r.Name, r.Note),
		"Println":  fmt.Sprintln(r.Phone, r.Email, r.Name, r.Note),
		"struct%v": fmt.Sprintf("%v", r),
		"struct+v": fmt.Sprintf("%+v", r),
		"struct#v": fmt.Sprintf("%#v", r),
		"ptr%+v":   fmt.Sprintf("%+v", &r),
		"slice%v":  fmt.Sprintf("%v", []Email{r.Email}),
		"json":     string(js),
		"slogJSON": logBuf.String(),
		"slogText": textBuf.String(),
	}
	for name, out := range outputs {
		for _, s := range secrets {
			if strings.Contains(out, s) {
				t.Errorf("%s leaks %q: %s", name, s, out)
			}
		}
	}
	for verb, want := range map[string]string{
		"%v": "138****5678", "%s": "138****5678", "%q": `"138****5678"`, "%+v": "138****5678",
		"%#v": `privacy.Phone("138****5678")`, "%13s": "  138****5678", "%-12s|": "138****5678 |",
	} {
		if got := fmt.Sprintf(verb, r.Phone); got != want {
			t.Errorf("Sprintf(%s) = %q, want %q", verb, got, want)
		}
	}
	if want := `{"Phone":"138****5678","Email":"z***@qq.com","Name":"张*","Note":"***"}`; string(js) != want {
		t.Errorf("json = %s, want %s", js, want)
	}
	if !strings.Contains(logBuf.String(), `"phone":"138****5678"`) || !strings.Contains(textBuf.String(), "name=张*") {
		t.Errorf("slog output: %s %s", logBuf.String(), textBuf.String())
	}
	if r.Phone.Reveal() != "13812345678" || r.Email.Reveal() != "zhangsan@qq.com" || r.Name.Reveal() != "张三" || r.Note.Reveal() != "北京市朝阳区建国路88号" {
		t.Error("Reveal does not return plaintext")
	}
}

// FuzzMasks checks that a mask depends only on the characters it is meant
// to show: changing every hidden character leaves the output unchanged.
func FuzzMasks(f *testing.F) {
	for _, s := range []string{"13812345678", "a@b", "张三", "", "\xff\xfe@", "0000****0000", "+8613812345678"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		r := []rune(s)
		hide := func(from, to int) string {
			h := append([]rune{}, r...)
			for i := max(from, 0); i < min(to, len(h)); i++ {
				if h[i] == 'x' {
					h[i] = 'y'
				} else {
					h[i] = 'x'
				}
			}
			return string(h)
		}
		n := len(r)
		if n >= 8 {
			if a, b := Phone(s).String(), Phone(hide(n-8, n-4)).String(); a != b {
				t.Fatalf("phone mask shows hidden digits: %q vs %q", a, b)
			}
		}
		if at := strings.LastIndexByte(s, '@'); at > 0 {
			local := utf8.RuneCountInString(s[:at])
			if a, b := Email(s).String(), Email(hide(1, local)).String(); a != b {
				t.Fatalf("email mask shows hidden characters: %q vs %q", a, b)
			}
		}
		if a, b := Name(s).String(), Name(hide(1, n)).String(); a != b {
			t.Fatalf("name mask shows hidden characters: %q vs %q", a, b)
		}
		if a, b := Text(s).String(), Text(hide(0, n)).String(); a != b {
			t.Fatalf("text mask shows hidden characters: %q vs %q", a, b)
		}
	})
}
