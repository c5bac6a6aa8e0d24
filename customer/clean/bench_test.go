package clean

import "testing"

// BenchmarkField measures each cleaner on one typical value.
func BenchmarkField(b *testing.B) {
	c := New(nil)
	cases := []struct {
		name string
		fn   func()
	}{
		{"phone", func() { _, _ = c.Phone("138 1234 5678") }},
		{"phone_landline", func() { _, _ = c.Phone("010-88888888转123") }},
		{"email", func() { _, _ = c.Email("user12345@qq.com") }},
		{"name", func() { _, _ = c.Name("欧阳娜娜") }},
		{"gender", func() { _, _ = c.Gender("男") }},
		{"birthdate", func() { _, _ = c.BirthDate("1990-01-02") }},
		{"idcard", func() { _, _ = c.IDCard("11010519491231002X") }},
		{"address", func() { _, _ = c.Address("广东省深圳市南山区科技园12栋") }},
		{"address_short", func() { _, _ = c.Address("广东深圳南山区科技园12栋") }},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				tc.fn()
			}
		})
	}
}
