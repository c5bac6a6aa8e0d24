package customer

import "strings"

// Channel names where a record came from. Hosts may use their own names; a
// channel must be 1 to 32 bytes of lower-case ASCII letters, digits and '_'.
type Channel string

// Channels cimkit knows by name.
const (
	ChannelApp         Channel = "app"
	ChannelMiniProgram Channel = "mini_program"
	ChannelWeb         Channel = "web"
	ChannelStorePOS    Channel = "store_pos"
	ChannelCallCentre  Channel = "call_centre"
	ChannelImport      Channel = "import"
)

func validToken(s string, max int) bool {
	if s == "" || len(s) > max {
		return false
	}
	return strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_')
	}) < 0
}

func checkChannel(field string, c Channel, required bool) error {
	if c == "" && !required {
		return nil
	}
	if !validToken(string(c), 32) {
		return invalid(field, "must be 1-32 characters of a-z, 0-9 or _")
	}
	return nil
}
