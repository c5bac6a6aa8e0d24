package divisions

import "testing"

func TestTable(t *testing.T) {
	tb := Get()
	if got := len(tb.Provinces); got != 34 {
		t.Fatalf("%d provinces, want 31 mainland + HK, MO, TW", got)
	}
	districts := 0
	for _, d := range tb.byCode {
		if d.Level == District && len(d.Code) == 6 {
			districts++
		}
	}
	if districts != 2978 {
		t.Fatalf("%d districts, want 2978 as in areas.csv", districts)
	}
	for code, want := range map[string]string{"44": "广东省", "4403": "深圳市", "440305": "南山区", "81": "香港特别行政区"} {
		if d := tb.Lookup(code); d == nil || d.Name != want {
			t.Errorf("Lookup(%s) = %v, want %s", code, d, want)
		}
	}
	if d := tb.Lookup("440305"); d.Province().Code != "44" || d.Parent.Code != "4403" {
		t.Error("parents not linked")
	}
	found := map[string]string{}
	for _, s := range []string{"粤", "沪", "京", "广东", "内蒙古", "新疆", "深圳", "延边", "澳門"} {
		tb.Prefixes(s, func(n Name) bool {
			if n.Text == s {
				found[s] = n.Div.Name
				return false
			}
			return true
		})
	}
	want := map[string]string{"粤": "广东省", "沪": "上海市", "京": "北京市", "广东": "广东省", "内蒙古": "内蒙古自治区",
		"新疆": "新疆维吾尔自治区", "深圳": "深圳市", "延边": "延边朝鲜族自治州", "澳門": "澳门特别行政区"}
	for k, v := range want {
		if found[k] != v {
			t.Errorf("%s → %q, want %q", k, found[k], v)
		}
	}
}

func TestShortName(t *testing.T) {
	for _, tt := range []struct {
		name  string
		level Level
		want  string
	}{
		{"广西壮族自治区", Province, "广西"},
		{"北京市", Province, "北京"},
		{"深圳市", City, "深圳"},
		{"延边朝鲜族自治州", City, "延边"},
		{"恩施土家族苗族自治州", City, "恩施"},
		{"大兴安岭地区", City, "大兴安岭"},
		{"锡林郭勒盟", City, "锡林郭勒"},
	} {
		if got := shortName(tt.name, tt.level); got != tt.want {
			t.Errorf("shortName(%s) = %q, want %q", tt.name, got, tt.want)
		}
	}
}
