package synth

import (
	"fmt"
	"strings"
	"time"
)

// record renders one channel record of person p. The first record of a
// person is mostly tidy; later ones carry the mess real channels produce.
func (g *gen) record(i int, p *Person, first bool) Record {
	ch := channels[g.pick(channelWeights)]
	deviceOnly := p.Phone == ""
	if deviceOnly && ch != "app" && ch != "mini_program" && ch != "web" {
		// A person without a phone is known by device only: they shop
		// through the app, mini-program or web, never at a till or by
		// phone.
		ch = channels[g.extra.IntN(3)]
	}
	r := Record{ID: fmt.Sprintf("r%07d", i+1), PersonID: p.ID, Channel: ch}
	if first {
		r.RegisteredAt = p.First
	} else {
		r.RegisteredAt = g.between(p.First, g.cfg.End)
	}
	messy := !first || g.chance(0.15)
	r.Name = g.messName(p.Name, p.Gender, messy)
	r.Gender = g.messGender(p.Gender)
	r.BirthDate = g.messDate(p.BirthDate)
	phone := p.Phone
	if !p.PhoneUntil.IsZero() && r.RegisteredAt.After(p.PhoneUntil) {
		phone = p.NextPhone
	}
	r.Phone = g.messPhone(phone, ch, messy)
	if p.Email != "" && (ch == "web" || ch == "app" || g.chance(0.3)) {
		r.Email = g.messEmail(p.Email, messy)
	}
	if ch == "app" || ch == "mini_program" || ch == "web" && (g.chance(0.5) || deviceOnly) {
		r.Device = p.Device
	}
	if p.MemberID != "" && (ch == "store_pos" || ch == "app" || g.chance(0.2)) {
		r.MemberID = p.MemberID
	}
	if ch != "call_centre" || g.chance(0.3) {
		r.Address = g.messAddress(p, messy)
	}
	return r
}

var titles = map[string][]string{"M": {"先生"}, "F": {"女士", "小姐"}}

func (g *gen) messName(name, gender string, messy bool) string {
	if !messy {
		return name
	}
	rs := []rune(name)
	switch x := g.r.Float64(); {
	case x < 0.65:
		return name
	case x < 0.75 && len(rs) > 1:
		return string(rs[:1]) + " " + string(rs[1:])
	case x < 0.83:
		t := titles[gender]
		return string(rs[:1]) + t[g.r.IntN(len(t))]
	case x < 0.90 && len(rs) > 1:
		rs[len(rs)-1] = []rune(givenChars[g.r.IntN(len(givenChars))])[0]
		return string(rs)
	case x < 0.95:
		if py, ok := pinyin[string(rs[:1])]; ok {
			return strings.ToUpper(py[:1]) + py[1:] + " " + string(rs[1:])
		}
		return name
	default:
		return ""
	}
}

func (g *gen) messGender(gender string) string {
	forms := map[string][]string{"M": {"男", "M", "male", "1", "先生"}, "F": {"女", "F", "female", "0", "女士"}}
	if g.chance(0.2) {
		return ""
	}
	f := forms[gender]
	return f[g.r.IntN(len(f))]
}

func (g *gen) messDate(d time.Time) string {
	y, m, day := d.Date()
	switch g.r.IntN(6) {
	case 0:
		return ""
	case 1:
		return fmt.Sprintf("%d/%d/%d", y, m, day)
	case 2:
		return fmt.Sprintf("%d年%d月%d日", y, m, day)
	case 3:
		return fmt.Sprintf("%04d%02d%02d", y, m, day)
	default:
		return d.Format("2006-01-02")
	}
}

func fullWidth(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9', r == '+', r == '-':
			b.WriteRune(r + 0xFEE0)
		case r == ' ':
			b.WriteRune('\u3000')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func (g *gen) messPhone(phone, ch string, messy bool) string {
	if phone == "" {
		return ""
	}
	if ch == "store_pos" && g.chance(0.04) {
		return placeholderPhones[g.r.IntN(len(placeholderPhones))]
	}
	if ch == "call_centre" && g.chance(0.08) {
		return phone[:3] + "****" + phone[7:]
	}
	if g.chance(0.03) {
		return ""
	}
	if !messy {
		return phone
	}
	if ch == "import" && g.chance(0.5) {
		if g.chance(0.5) {
			return phone + ".0"
		}
		return phone[:1] + "." + phone[1:] + "E10"
	}
	switch g.r.IntN(9) {
	case 0:
		return phone[:3] + " " + phone[3:7] + " " + phone[7:]
	case 1:
		return phone[:3] + "-" + phone[3:7] + "-" + phone[7:]
	case 2:
		return "+86 " + phone
	case 3:
		return "86" + phone
	case 4:
		return "0086 " + phone
	case 5:
		return fullWidth(phone)
	case 6:
		return "+86-" + phone[:3] + "-" + phone[3:7] + "-" + phone[7:]
	case 7:
		return " " + phone + "\t"
	default:
		return phone
	}
}

func (g *gen) messEmail(email string, messy bool) string {
	if !messy {
		return email
	}
	local, domain, _ := strings.Cut(email, "@")
	switch x := g.r.Float64(); {
	case x < 0.08:
		if typo, ok := emailTypos[domain]; ok {
			return local + "@" + typo
		}
	case x < 0.2:
		return strings.ToUpper(email)
	case x < 0.26:
		return " " + email + " "
	}
	return email
}

func (g *gen) messAddress(p *Person, messy bool) string {
	pl := places[p.Place]
	municipal := pl.province == pl.city
	if g.chance(0.05) {
		return ""
	}
	full := pl.province + pl.city + pl.district + p.Street
	if municipal {
		full = pl.province + pl.district + p.Street
	}
	if !messy {
		return full
	}
	switch g.r.IntN(5) {
	case 0:
		city := strings.TrimSuffix(pl.city, "市")
		if municipal {
			return city + pl.district + p.Street
		}
		return pl.provinceShort + city + pl.district + p.Street
	case 1:
		return full + " " + pl.postal
	case 2:
		return pl.city + pl.district + p.Street
	default:
		return full
	}
}
