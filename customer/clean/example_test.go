package clean_test

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/cimkit/cimkit/customer/clean"
)

func Example() {
	c := clean.New(nil) // region CN
	p, err := c.Phone("１３８-1234-5678")
	fmt.Println(p.E164(), p.Kind, p.Region, p.Flags, err)
	_, err = c.Phone("138****5678")
	fmt.Println(errors.Is(err, clean.ErrMasked), err)
	// Output:
	// +8613812345678 mobile CN width_folded|default_region <nil>
	// true clean: phone: masked: number is masked
}

func ExampleCleaner_Phones() {
	ps, err := clean.Default().Phones("010-88888888转123；13912345678")
	for _, p := range ps {
		fmt.Printf("%s %v %q\n", p.Value(), p.Kind, p.Extension)
	}
	fmt.Println(err)
	// Output:
	// +861088888888;ext=123 fixed_line "123"
	// +8613912345678 mobile ""
	// <nil>
}

func ExampleCleaner_Email() {
	e, _ := clean.Default().Email(" J.Smith+shop@GMIAL.com")
	fmt.Println(e.Value, e.Suggestion, e.Flags)
	e, _ = clean.Default().Email("J.Smith+shop@gmail.com")
	fmt.Println(e.Value, e.MatchKey)
	// Output:
	// j.smith+shop@gmial.com j.smith+shop@gmail.com lowercased|typo
	// j.smith+shop@gmail.com jsmith@gmail.com
}

func ExampleCleaner_Name() {
	n, _ := clean.Default().Name("欧阳 娜娜女士")
	fmt.Println(n.Value, n.Surname, n.Given, n.Title)
	// Output: 欧阳娜娜 欧阳 娜娜 女士
}

func ExampleCleaner_BirthDate() {
	c := clean.New(&clean.Options{Now: func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }})
	for _, raw := range []string{"1990年1月2日", "02/01/1990", "32875"} {
		d, _ := c.BirthDate(raw)
		fmt.Printf("%s [%v]\n", d.Value, d.Flags)
	}
	// Output:
	// 1990-01-02 []
	// 1990-01-02 [ambiguous]
	// 1990-01-02 [spreadsheet]
}

func ExampleCleaner_IDCard() {
	id, _ := clean.Default().IDCard("11010519491231002x")
	fmt.Println(id.Value, id.BirthDate, id.Gender, id.RegionCode, id.Province, id.Flags)
	// Output: 11010519491231002X 1949-12-31 female 110105 北京市 sensitive
}

func ExampleCleaner_Address() {
	a, _ := clean.Default().Address("广东深圳南山区科技园 518057")
	fmt.Println(a.Province, a.City, a.District, a.Detail, a.PostalCode, a.Code)
	fmt.Println(a.Value)
	// Output:
	// 广东省 深圳市 南山区 科技园 518057 440305
	// 广东省深圳市南山区科技园
}

func ExampleCleaner_Record() {
	m, _ := clean.ParseMapping("phone=mobile,name=who,gender=sex")
	r := clean.Default().Record(map[string]string{"mobile": "13812345678.0", "who": "张 三", "sex": "男"}, m)
	for _, f := range r.Fields {
		fmt.Printf("%s %s [%v]\n", f.Field, f.Value, f.Flags)
	}
	fmt.Printf("completeness %.2f quality %.2f\n", r.Completeness, r.Quality)
	// Output:
	// phone +8613812345678 [spreadsheet|default_region]
	// name 张三 [spaces_removed]
	// gender male []
	// completeness 1.00 quality 0.85
}

func ExampleReport() {
	c := clean.Default()
	m, _ := clean.ParseMapping("phone=mobile,name=who")
	rep := clean.NewReport(0)
	for i, row := range []map[string]string{
		{"mobile": "13812345678", "who": "张三"},
		{"mobile": "138****5678", "who": "李四"},
	} {
		r := c.Record(row, m)
		rep.Add(i+1, &r)
	}
	_ = rep.WriteText(os.Stdout)
	// Output:
	// records 2 accepted 1 rejected 1 mean_quality 0.667
	// field phone seen 2 usable 1 defaulted 0 error:masked=1 flag:default_region=1 flag:masked=1
	// field name seen 2 usable 2 defaulted 0
	// rejected record 2: phone masked (number is masked) "*******";
}
