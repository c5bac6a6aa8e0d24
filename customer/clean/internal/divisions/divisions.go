// Package divisions holds the mainland China administrative divisions
// (GB/T 2260 codes: province, prefecture-level city, county-level district)
// and the Hong Kong, Macau and Taiwan districts, embedded from the
// china-division data set (see SOURCE.md and LICENSE in this directory),
// with short names and aliases added for address parsing.
package divisions

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"encoding/json"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"
)

var (
	//go:embed provinces.csv
	provincesCSV []byte
	//go:embed cities.csv
	citiesCSV []byte
	//go:embed areas.csv
	areasCSV []byte
	//go:embed HK-MO-TW.json
	hkmotwJSON []byte
)

// Level is a division's level.
type Level uint8

// Levels.
const (
	Province Level = iota + 1
	City
	District
)

// Division is one administrative division.
type Division struct {
	Code   string    // GB/T 2260 code: 2, 4 or 6 digits; "" for HK/MO/TW cities and districts
	Name   string    // official name (北京市, 朝阳区)
	Level  Level     // Province, City or District
	Parent *Division // nil for provinces
	// Municipality is set on the four municipalities (北京, 天津, 上海, 重庆)
	// and their placeholder city rows, which have no name of their own.
	Municipality bool
	// Virtual marks a city row that is a grouping, not a city
	// (市辖区, 省直辖县级行政区划).
	Virtual bool
}

// Province returns the province a division belongs to (itself for a province).
func (d *Division) Province() *Division {
	for d.Parent != nil {
		d = d.Parent
	}
	return d
}

// Name is one way of writing a division: its official name, a short form
// without the suffix (广东, 深圳) or an alias (粤, 沪, 臺灣).
type Name struct {
	Text  string
	Div   *Division
	Short bool // true for short forms and aliases
}

// Table is the loaded division table. It is immutable.
type Table struct {
	Provinces []*Division
	byCode    map[string]*Division
	byFirst   map[rune][]Name // every Name, keyed by its first rune, longest first
}

var (
	once  sync.Once
	table *Table
)

// Get returns the table, loading it on first use.
func Get() *Table {
	once.Do(func() { table = load() })
	return table
}

// Lookup returns the division with the given code, or nil.
func (t *Table) Lookup(code string) *Division { return t.byCode[code] }

// Prefixes calls fn for every name that s starts with, longest first, and
// stops when fn returns false.
func (t *Table) Prefixes(s string, fn func(Name) bool) {
	r, _ := utf8.DecodeRuneInString(s)
	for _, n := range t.byFirst[r] {
		if strings.HasPrefix(s, n.Text) && !fn(n) {
			return
		}
	}
}

// provinceAliases are the one-character abbreviations and other names of
// provinces, keyed by the two-digit code.
var provinceAliases = map[string][]string{
	"11": {"京"}, "12": {"津"}, "13": {"冀"}, "14": {"晋"}, "15": {"蒙", "内蒙"}, "21": {"辽"}, "22": {"吉"},
	"23": {"黑", "黑龙江"}, "31": {"沪", "申"}, "32": {"苏"}, "33": {"浙"}, "34": {"皖"}, "35": {"闽"}, "36": {"赣"},
	"37": {"鲁"}, "41": {"豫"}, "42": {"鄂"}, "43": {"湘"}, "44": {"粤"}, "45": {"桂"}, "46": {"琼"},
	"50": {"渝"}, "51": {"川", "蜀"}, "52": {"黔", "贵"}, "53": {"滇", "云"}, "54": {"藏"}, "61": {"陕", "秦"},
	"62": {"甘", "陇"}, "63": {"青"}, "64": {"宁"}, "65": {"新"},
	"81": {"香港", "港", "香港特區", "HK"}, "82": {"澳门", "澳門", "澳", "澳門特別行政區"}, "71": {"台湾", "臺灣", "台灣", "台"},
}

// suffixes stripped to form short names, longest first.
var suffixes = []string{
	"维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "自治州", "自治县", "地区", "新区", "省", "市", "盟", "区", "县", "旗",
}

// shortName strips the suffix and, for autonomous prefectures and
// counties, the ethnic part (延边朝鲜族自治州 → 延边). It returns "" when
// the result would be a single character.
func shortName(name string, level Level) string {
	s := name
	for _, suf := range suffixes {
		if rest, ok := strings.CutSuffix(s, suf); ok {
			s = rest
			break
		}
	}
	if s == name && level != Province {
		return ""
	}
	if level != Province {
		if i := strings.Index(s, "族"); i > 0 {
			// Cut before the first ethnic name: 延边朝鲜族 → 延边. The
			// ethnic names are two characters (朝鲜, 土家) or one (回, 藏).
			rs := []rune(s[:i])
			if len(rs) >= 4 {
				s = string(rs[:len(rs)-2])
			} else if len(rs) == 3 {
				s = string(rs[:2])
			}
		}
	}
	if utf8.RuneCountInString(s) < 2 {
		return ""
	}
	return s
}

func readCSV(b []byte) [][]string {
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		panic("divisions: embedded CSV is corrupt: " + err.Error())
	}
	return recs[1:]
}

func load() *Table {
	t := &Table{byCode: map[string]*Division{}, byFirst: map[rune][]Name{}}
	add := func(text string, d *Division, short bool) {
		if text == "" {
			return
		}
		r, _ := utf8.DecodeRuneInString(text)
		t.byFirst[r] = append(t.byFirst[r], Name{Text: text, Div: d, Short: short})
	}
	for _, rec := range readCSV(provincesCSV) {
		d := &Division{Code: rec[0], Name: rec[1], Level: Province}
		d.Municipality = d.Code == "11" || d.Code == "12" || d.Code == "31" || d.Code == "50"
		t.Provinces = append(t.Provinces, d)
		t.byCode[d.Code] = d
		add(d.Name, d, false)
		if s := shortName(d.Name, Province); s != d.Name {
			add(s, d, true)
		}
	}
	for _, rec := range readCSV(citiesCSV) {
		p := t.byCode[rec[2]]
		d := &Division{Code: rec[0], Name: rec[1], Level: City, Parent: p, Municipality: p.Municipality}
		d.Virtual = d.Name == "市辖区" || d.Name == "县" || strings.HasSuffix(d.Name, "直辖县级行政区划")
		t.byCode[d.Code] = d
		if !d.Virtual {
			add(d.Name, d, false)
			add(shortName(d.Name, City), d, true)
		}
	}
	for _, rec := range readCSV(areasCSV) {
		c := t.byCode[rec[2]]
		d := &Division{Code: rec[0], Name: rec[1], Level: District, Parent: c}
		t.byCode[d.Code] = d
		add(d.Name, d, false)
		// 南山 for 南山区, 浦东 for 浦东新区: matched only under a known
		// city (customer/clean decides).
		add(shortName(d.Name, District), d, true)
	}
	loadHKMOTW(t, add)
	for code, aliases := range provinceAliases {
		for _, a := range aliases {
			add(a, t.byCode[code], true)
		}
	}
	for r, names := range t.byFirst {
		sort.SliceStable(names, func(i, j int) bool {
			if len(names[i].Text) != len(names[j].Text) {
				return len(names[i].Text) > len(names[j].Text)
			}
			if names[i].Short != names[j].Short {
				return !names[i].Short
			}
			return names[i].Div.Code+names[i].Div.Name < names[j].Div.Code+names[j].Div.Name
		})
		t.byFirst[r] = names
	}
	return t
}

func loadHKMOTW(t *Table, add func(string, *Division, bool)) {
	var raw map[string]map[string][]string
	if err := json.Unmarshal(hkmotwJSON, &raw); err != nil {
		panic("divisions: embedded HK-MO-TW.json is corrupt: " + err.Error())
	}
	codes := map[string]string{"香港特别行政区": "81", "澳门特别行政区": "82", "台湾省": "71"}
	provs := make([]string, 0, len(raw))
	for p := range raw {
		provs = append(provs, p)
	}
	sort.Strings(provs)
	for _, pname := range provs {
		p := &Division{Code: codes[pname], Name: pname, Level: Province}
		t.Provinces = append(t.Provinces, p)
		t.byCode[p.Code] = p
		add(p.Name, p, false)
		cities := make([]string, 0, len(raw[pname]))
		for c := range raw[pname] {
			cities = append(cities, c)
		}
		sort.Strings(cities)
		for _, cname := range cities {
			c := &Division{Name: cname, Level: City, Parent: p}
			add(cname, c, false)
			add(shortName(cname, City), c, true)
			for _, dname := range raw[pname][cname] {
				// "嘉模堂区（氹仔）": the bracketed part is another name.
				base, alt, _ := strings.Cut(dname, "（")
				d := &Division{Name: base, Level: District, Parent: c}
				add(base, d, false)
				if alt = strings.TrimSuffix(alt, "）"); alt != "" {
					add(alt, d, true)
				}
			}
		}
	}
}
