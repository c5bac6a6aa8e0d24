package clean

import (
	"errors"
	"strings"
	"testing"
	"time"
)

var fixedNow = func() time.Time { return time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC) }

func testCleaner() *Cleaner { return New(&Options{Now: fixedNow}) }

func TestEmail(t *testing.T) {
	tests := []struct {
		raw, value, key, suggestion string
		err                         error
		flags                       Flags
	}{
		{"  Zhang.San@QQ.com ", "zhang.san@qq.com", "zhang.san@qq.com", "", nil, FlagLowercased},
		{"ｚｓ＠１６３．ｃｏｍ", "zs@163.com", "zs@163.com", "", nil, FlagWidthFolded},
		{"j.o.h.n+shop@gmail.com", "j.o.h.n+shop@gmail.com", "john@gmail.com", "", nil, 0},
		{"John.Doe@GoogleMail.com", "john.doe@googlemail.com", "johndoe@gmail.com", "", nil, FlagLowercased},
		{"a.b+x@outlook.com", "a.b+x@outlook.com", "a.b@outlook.com", "", nil, 0},
		{"a.b+x@163.com", "a.b+x@163.com", "a.b+x@163.com", "", nil, 0},
		{"12345@qq.con", "12345@qq.con", "12345@qq.con", "12345@qq.com", nil, FlagTypo},
		{"li@163.cm", "li@163.cm", "li@163.cm", "li@163.com", nil, FlagTypo},
		{"bob@gmial.com", "bob@gmial.com", "bob@gmial.com", "bob@gmail.com", nil, FlagTypo},
		{"bob@hotmial.com", "bob@hotmial.com", "bob@hotmial.com", "bob@hotmail.com", nil, FlagTypo},
		{"li@company.con", "li@company.con", "li@company.con", "li@company.com", nil, FlagTypo},
		{"li@company.cm", "li@company.cm", "li@company.cm", "", nil, 0},
		{"mailto:<x@sina.com>", "x@sina.com", "x@sina.com", "", nil, 0},
		{"用户@例子.广告", "用户@例子.广告", "用户@例子.广告", "", nil, 0},
		{"", "", "", "", ErrEmpty, 0},
		{"无", "", "", "", ErrEmpty, 0},
		{"no-at-sign.com", "", "", "", ErrInvalid, 0},
		{"a@@b.com", "", "", "", ErrInvalid, 0},
		{"a@b", "", "", "", ErrInvalid, 0},
		{".a@b.com", "", "", "", ErrInvalid, 0},
		{"a..b@b.com", "", "", "", ErrInvalid, 0},
		{"a b@c.com", "", "", "", ErrInvalid, 0},
		{"a@-b.com", "", "", "", ErrInvalid, 0},
		{"a@b.c", "", "", "", ErrInvalid, 0},
		{"a@1.2.3.4", "", "", "", ErrInvalid, 0},
		{strings.Repeat("a", 65) + "@qq.com", "", "", "", ErrInvalid, 0},
		{"test@test.com", "", "", "", ErrPlaceholder, FlagPlaceholder},
		{"someone@example.com", "", "", "", ErrPlaceholder, FlagPlaceholder},
		{"a@a.com", "", "", "", ErrPlaceholder, FlagPlaceholder},
		{"zh***@qq.com", "", "", "", ErrMasked, FlagMasked},
		{strings.Repeat("a", 300), "", "", "", ErrTooLong, 0},
	}
	c := testCleaner()
	for _, tt := range tests {
		r, err := c.Email(tt.raw)
		if !errors.Is(err, tt.err) || (tt.err == nil) != (err == nil) {
			t.Errorf("%q: err %v, want %v", tt.raw, err, tt.err)
			continue
		}
		if r.Raw != tt.raw || r.Value != tt.value || r.MatchKey != tt.key || r.Suggestion != tt.suggestion || !r.Flags.Has(tt.flags) {
			t.Errorf("%q: got %+v", tt.raw, r)
		}
	}
}

func TestName(t *testing.T) {
	tests := []struct {
		raw, value, surname, given, title string
		err                               error
		flags                             Flags
	}{
		{"张三", "张三", "张", "三", "", nil, 0},
		{"张 三", "张三", "张", "三", "", nil, FlagSpacesRemoved},
		{" 张　三 ", "张三", "张", "三", "", nil, FlagSpacesRemoved | FlagWidthFolded},
		{"王先生", "王", "王", "", "先生", nil, FlagTitle},
		{"李女士", "李", "李", "", "女士", nil, FlagTitle},
		{"欧阳娜娜", "欧阳娜娜", "欧阳", "娜娜", "", nil, 0},
		{"司马相如", "司马相如", "司马", "相如", "", nil, 0},
		{"阿卜杜拉·买买提", "阿卜杜拉·买买提", "", "", "", nil, 0},
		{"Zhang San", "Zhang San", "Zhang", "San", "", nil, FlagLatin},
		{"san zhang", "San Zhang", "Zhang", "San", "", nil, FlagLatin},
		{"Mr. John Smith", "John Smith", "", "", "Mr.", nil, FlagLatin | FlagTitle},
		{"MARY O'BRIEN", "Mary O'Brien", "", "", "", nil, FlagLatin},
		{"Ronald McDonald", "Ronald McDonald", "", "", "", nil, FlagLatin},
		{"Ｌｉｓａ", "Lisa", "", "", "", nil, FlagLatin | FlagWidthFolded},
		{"张Lisa", "张Lisa", "", "", "", nil, FlagMixedScript},
		{"测试", "", "", "", "", ErrPlaceholder, FlagPlaceholder},
		{"测试001", "", "", "", "", ErrPlaceholder, FlagPlaceholder},
		{"TEST", "", "", "", "", ErrPlaceholder, FlagPlaceholder},
		{"未知", "", "", "", "", ErrPlaceholder, FlagPlaceholder},
		{"顾客", "", "", "", "", ErrPlaceholder, FlagPlaceholder},
		{"n/a", "", "", "", "", ErrPlaceholder, FlagPlaceholder},
		{"啊啊啊", "", "", "", "", ErrPlaceholder, FlagPlaceholder},
		{"aaaa", "", "", "", "", ErrPlaceholder, FlagPlaceholder},
		{"张三123", "", "", "", "", ErrInvalid, 0},
		{"13812345678", "", "", "", "", ErrInvalid, 0},
		{"", "", "", "", "", ErrEmpty, 0},
		{"\u200b", "", "", "", "", ErrEmpty, FlagInvisible},
	}
	c := testCleaner()
	for _, tt := range tests {
		r, err := c.Name(tt.raw)
		if !errors.Is(err, tt.err) || (tt.err == nil) != (err == nil) {
			t.Errorf("%q: err %v, want %v", tt.raw, err, tt.err)
			continue
		}
		if r.Raw != tt.raw || r.Value != tt.value || r.Surname != tt.surname || r.Given != tt.given || r.Title != tt.title || !r.Flags.Has(tt.flags) {
			t.Errorf("%q: got %+v", tt.raw, r)
		}
	}
}

func TestGender(t *testing.T) {
	c := testCleaner()
	for raw, want := range map[string]Gender{
		"男": Male, "女": Female, "M": Male, "f": Female, "Male": Male, "FEMALE": Female, "先生": Male,
		"女士": Female, "1": Male, "0": Female, " 男 ": Male, "Ｆ": Female, "未知": GenderUnknown, "保密": GenderUnknown,
	} {
		r, err := c.Gender(raw)
		if err != nil || r.Value != want || !r.Known {
			t.Errorf("%q: got %v %v, want %v", raw, r.Value, err, want)
		}
	}
	if r, err := c.Gender("外星人"); !errors.Is(err, ErrInvalid) || r.Value != GenderUnknown {
		t.Errorf("unknown word: %v %v", r.Value, err)
	}
	if _, err := c.Gender(""); !errors.Is(err, ErrEmpty) {
		t.Errorf("empty: %v", err)
	}
	// Configurable: a source where 1 is male and 2 is female.
	c2 := New(&Options{Gender: map[string]Gender{"2": Female, "0": GenderUnknown}})
	if r, _ := c2.Gender("2"); r.Value != Female {
		t.Errorf("custom 2: %v", r.Value)
	}
	if r, _ := c2.Gender("0"); r.Value != GenderUnknown {
		t.Errorf("custom 0: %v", r.Value)
	}
}

func TestBirthDate(t *testing.T) {
	tests := []struct {
		raw, value string
		err        error
		flags      Flags
	}{
		{"2024-10-05", "2024-10-05", nil, 0},
		{"2024/10/5", "2024-10-05", nil, 0},
		{"2024.10.5", "2024-10-05", nil, 0},
		{"2024年10月5日", "2024-10-05", nil, 0},
		{"2024年10月5号", "2024-10-05", nil, 0},
		{"20241005", "2024-10-05", nil, 0},
		{"２０２４－１０－０５", "2024-10-05", nil, FlagWidthFolded},
		{"05/10/2024", "2024-10-05", nil, FlagAmbiguous},
		{"25/10/2024", "2024-10-25", nil, 0},
		{"10/25/2024", "2024-10-25", nil, 0},
		{"05/05/2024", "2024-05-05", nil, 0},
		{"1990-01-02 00:00:00", "1990-01-02", nil, 0},
		{"1990-01-02T08:00:00Z", "1990-01-02", nil, 0},
		{"45570", "2024-10-05", nil, FlagSpreadsheet},
		{"45570.0", "2024-10-05", nil, FlagSpreadsheet},
		{"32874", "1990-01-01", nil, FlagSpreadsheet},
		{"2024-02-30", "", ErrInvalid, 0},
		{"2023-02-29", "", ErrInvalid, 0},
		{"2024-13-01", "", ErrInvalid, 0},
		{"25/25/2024", "", ErrInvalid, 0},
		{"hello", "", ErrInvalid, 0},
		{"2027-01-01", "", ErrOutOfRange, 0},
		{"1900-01-01", "", ErrOutOfRange, 0},
		{"", "", ErrEmpty, 0},
	}
	c := testCleaner()
	for _, tt := range tests {
		r, err := c.BirthDate(tt.raw)
		if !errors.Is(err, tt.err) || (tt.err == nil) != (err == nil) {
			t.Errorf("%q: err %v, want %v", tt.raw, err, tt.err)
			continue
		}
		if r.Raw != tt.raw || r.Value != tt.value || !r.Flags.Has(tt.flags) {
			t.Errorf("%q: got %+v", tt.raw, r)
		}
	}
	mdy := New(&Options{Now: fixedNow, DateOrder: MDY})
	if r, _ := mdy.BirthDate("05/10/2024"); r.Value != "2024-05-10" || !r.Flags.Has(FlagAmbiguous) {
		t.Errorf("MDY: %+v", r)
	}
}

func TestExcelSerialOracle(t *testing.T) {
	// Independent oracle: Excel serial 1 is 1900-01-01 and serial 60 the
	// fictitious 1900-02-29, so from serial 61 (1900-03-01) the serial is
	// the count of days since 1899-12-30.
	c := New(&Options{Now: func() time.Time { return time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC) }})
	for serial, want := range map[string]string{"61": "1900-03-01", "36526": "2000-01-01", "25569": "1970-01-01"} {
		r, err := c.BirthDate(serial)
		if err != nil || r.Value != want {
			t.Errorf("serial %s: %q %v, want %s", serial, r.Value, err, want)
		}
	}
}

func TestIDCard(t *testing.T) {
	tests := []struct {
		raw, value, birth, region string
		gender                    Gender
		err                       error
		flags                     Flags
	}{
		// Published example from GB 11643-1999.
		{"11010519491231002X", "11010519491231002X", "1949-12-31", "110105", Female, nil, FlagSensitive},
		{"11010519491231002x", "11010519491231002X", "1949-12-31", "110105", Female, nil, FlagSensitive},
		{"440524188001010014", "", "", "", 0, ErrOutOfRange, FlagSensitive},
		{"110105 19491231 002X", "11010519491231002X", "1949-12-31", "110105", Female, nil, FlagSensitive},
		// 15-digit legacy form of the same person: 110105 491231 002.
		{"110105491231002", "11010519491231002X", "1949-12-31", "110105", Female, nil, FlagSensitive | FlagLegacy},
		{"110105194912310021", "", "", "", 0, ErrInvalid, FlagSensitive},
		{"110105194913310020", "", "", "", 0, ErrInvalid, FlagSensitive},
		{"990105194912310029", "", "", "", 0, ErrInvalid, FlagSensitive},
		// Residence permits for Hong Kong (810000) and Taiwan (830000) residents.
		{"810000199001010019", "810000199001010019", "1990-01-01", "810000", Male, nil, FlagSensitive},
		{"830000199001010020", "830000199001010020", "1990-01-01", "830000", Female, nil, FlagSensitive},
		{"1101051949123100", "", "", "", 0, ErrInvalid, FlagSensitive},
		{"110105194912310000", "", "", "", 0, ErrLossy, FlagSpreadsheet},
		{"1.10105194912310E+17", "", "", "", 0, ErrLossy, FlagSpreadsheet},
		{"1101**********002X", "", "", "", 0, ErrMasked, FlagMasked},
		{"", "", "", "", 0, ErrEmpty, FlagSensitive},
	}
	c := testCleaner()
	for _, tt := range tests {
		r, err := c.IDCard(tt.raw)
		if !errors.Is(err, tt.err) || (tt.err == nil) != (err == nil) {
			t.Errorf("%q: err %v, want %v", tt.raw, err, tt.err)
			continue
		}
		if r.Raw != tt.raw || r.Value != tt.value || r.BirthDate != tt.birth || r.RegionCode != tt.region || r.Gender != tt.gender || !r.Flags.Has(tt.flags) {
			t.Errorf("%q: got %+v", tt.raw, r)
		}
		if err != nil && strings.Contains(err.Error(), strings.TrimSpace(tt.raw)) && tt.raw != "" {
			t.Errorf("%q: error string contains the number", tt.raw)
		}
	}
}

// TestIDCheckBruteForce checks idCheck against the defining property of
// ISO 7064 MOD 11-2: sum(a_i * 2^(17-i)) + check ≡ 1 (mod 11), with X = 10.
func TestIDCheckBruteForce(t *testing.T) {
	digits := []byte("11010519491231002")
	for i := 0; i < 2000; i++ {
		digits[14] = byte('0' + i%10)
		digits[15] = byte('0' + i/10%10)
		digits[16] = byte('0' + i/100%10)
		ch := idCheck(string(digits))
		v := 10
		if ch != 'X' {
			v = int(ch - '0')
		}
		sum, w := v, 1
		for j := 16; j >= 0; j-- {
			w = w * 2 % 11
			sum += int(digits[j]-'0') * w
		}
		if sum%11 != 1 {
			t.Fatalf("%s%c fails the MOD 11-2 property", digits, ch)
		}
	}
}
