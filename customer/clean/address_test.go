package clean

import (
	"errors"
	"testing"
)

func TestAddress(t *testing.T) {
	tests := []struct {
		raw                                      string
		province, city, district, detail, postal string
		code                                     string
		flags, not                               Flags
	}{
		{"北京市朝阳区建国路88号", "北京市", "", "朝阳区", "建国路88号", "", "110105", 0, FlagShortName | FlagIncomplete},
		{"北京朝阳区建国路88号", "北京市", "", "朝阳区", "建国路88号", "", "110105", FlagShortName, FlagIncomplete},
		{"京朝阳区建国路88号", "北京市", "", "朝阳区", "建国路88号", "", "110105", FlagShortName, 0},
		{"沪浦东新区世纪大道100号", "上海市", "", "浦东新区", "世纪大道100号", "", "310115", FlagShortName, 0},
		{"广东深圳南山区科技园", "广东省", "深圳市", "南山区", "科技园", "", "440305", FlagShortName, FlagIncomplete},
		{"广东省深圳市南山区科技园", "广东省", "深圳市", "南山区", "科技园", "", "440305", 0, FlagShortName},
		{"粤深圳市南山区科技园", "广东省", "深圳市", "南山区", "科技园", "", "440305", FlagShortName, 0},
		{"浙江省杭州市西湖区文三路90号", "浙江省", "杭州市", "西湖区", "文三路90号", "", "330106", 0, 0},
		{"浙江 杭州 西湖区 文三路90号", "浙江省", "杭州市", "西湖区", "文三路90号", "", "330106", FlagShortName, 0},
		{"杭州市西湖区文三路90号", "浙江省", "杭州市", "西湖区", "文三路90号", "", "330106", FlagInferred, 0},
		{"深圳市南山区科技园", "广东省", "深圳市", "南山区", "科技园", "", "440305", FlagInferred, 0},
		{"广州市越秀区北京路1号", "广东省", "广州市", "越秀区", "北京路1号", "", "440104", FlagInferred, 0},
		{"北京路1号", "", "", "", "北京路1号", "", "", FlagIncomplete, 0},
		{"重庆市渝中区解放碑", "重庆市", "", "渝中区", "解放碑", "", "500103", 0, 0},
		{"新疆乌鲁木齐市天山区", "新疆维吾尔自治区", "乌鲁木齐市", "天山区", "", "", "650102", FlagShortName, 0},
		{"内蒙古呼和浩特市新城区", "内蒙古自治区", "呼和浩特市", "新城区", "", "", "150102", FlagShortName, 0},
		{"吉林省吉林市船营区", "吉林省", "吉林市", "船营区", "", "", "220204", 0, 0},
		{"河南省济源市天坛路", "河南省", "", "济源市", "天坛路", "", "419001", 0, 0},
		{"北京市朝阳区建国路88号 100020", "北京市", "", "朝阳区", "建国路88号", "100020", "110105", FlagPostalCode, 0},
		{"100020 北京市朝阳区建国路88号", "北京市", "", "朝阳区", "建国路88号", "100020", "110105", FlagPostalCode, 0},
		{"北京市朝阳区建国路88号（邮编：100020）", "北京市", "", "朝阳区", "建国路88号", "100020", "110105", FlagPostalCode, 0},
		{"香港九龙油尖旺区弥敦道1号", "香港特别行政区", "九龙", "油尖旺区", "弥敦道1号", "", "81", FlagShortName, 0},
		{"澳门氹仔孙逸仙大马路", "澳门特别行政区", "澳门外岛", "嘉模堂区", "孙逸仙大马路", "", "82", FlagShortName | FlagInferred, 0},
		{"台湾台北市信义区市府路1号", "台湾省", "台北市", "信义区", "市府路1号", "", "71", FlagShortName, 0},
		{"科技园1栋", "", "", "", "科技园1栋", "", "", FlagIncomplete, 0},
		// A district without its suffix, under a known city only.
		{"深圳南山科技园", "广东省", "深圳市", "南山区", "科技园", "", "440305", FlagShortName | FlagInferred, FlagIncomplete},
		{"广东深圳南山科技园", "广东省", "深圳市", "南山区", "科技园", "", "440305", FlagShortName, FlagIncomplete},
		{"北京朝阳建国路88号", "北京市", "", "朝阳区", "建国路88号", "", "110105", FlagShortName, FlagIncomplete},
		{"上海浦东张江路1号", "上海市", "", "浦东新区", "张江路1号", "", "310115", FlagShortName, 0},
		{"杭州西湖文三路90号", "浙江省", "杭州市", "西湖区", "文三路90号", "", "330106", FlagShortName | FlagInferred, 0},
		{"深圳南山路1号", "广东省", "深圳市", "", "南山路1号", "", "4403", FlagShortName | FlagInferred, 0},
		{"广州天河城广场", "广东省", "广州市", "", "天河城广场", "", "4401", FlagShortName | FlagInferred, 0},
		{"南山科技园", "", "", "", "南山科技园", "", "", FlagIncomplete, 0},
		{"ＸＸ省北京市朝阳区", "", "", "", "XX省北京市朝阳区", "", "", FlagWidthFolded | FlagIncomplete, 0},
	}
	c := testCleaner()
	for _, tt := range tests {
		r, err := c.Address(tt.raw)
		if err != nil {
			t.Errorf("%q: %v", tt.raw, err)
			continue
		}
		if r.Raw != tt.raw || r.Province != tt.province || r.City != tt.city || r.District != tt.district ||
			r.Detail != tt.detail || r.PostalCode != tt.postal || r.Code != tt.code || !r.Flags.Has(tt.flags) || r.Flags&tt.not != 0 {
			t.Errorf("%q:\n got %s|%s|%s|%s|%s code=%s flags=%v\nwant %s|%s|%s|%s|%s code=%s flags⊇%v not %v", tt.raw,
				r.Province, r.City, r.District, r.Detail, r.PostalCode, r.Code, r.Flags,
				tt.province, tt.city, tt.district, tt.detail, tt.postal, tt.code, tt.flags, tt.not)
		}
		if r.Value != r.Province+r.City+r.District+r.Detail {
			t.Errorf("%q: Value %q is not the concatenation of its parts", tt.raw, r.Value)
		}
	}
	for raw, want := range map[string]error{"": ErrEmpty, "无": ErrEmpty, "北京市朝阳区****": ErrMasked, string(make([]byte, 2000)): ErrTooLong} {
		if _, err := c.Address(raw); !errors.Is(err, want) {
			t.Errorf("%q: %v, want %v", raw, err, want)
		}
	}
}

// TestAddressEveryDistrict checks against the table itself: every mainland
// district written in full under its province and city parses back to its
// own code.
func TestAddressEveryDistrict(t *testing.T) {
	c := testCleaner()
	n := 0
	for _, rec := range readTestCSV(t, "internal/divisions/areas.csv") {
		code, name, cityCode, provCode := rec[0], rec[1], rec[2], rec[3]
		prov := readTestName(t, "internal/divisions/provinces.csv", provCode)
		city := readTestName(t, "internal/divisions/cities.csv", cityCode)
		if city == "市辖区" || city == "县" || len(city) > 20 && city[len(city)-len("行政区划"):] == "行政区划" {
			city = ""
		}
		r, err := c.Address(prov + city + name + "幸福路1号")
		if err != nil || r.Code != code || r.Detail != "幸福路1号" {
			t.Errorf("%s%s%s: code %s detail %q err %v, want %s", prov, city, name, r.Code, r.Detail, err, code)
		}
		n++
	}
	if n < 2900 {
		t.Fatalf("only %d districts", n)
	}
}
