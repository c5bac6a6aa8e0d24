package clean

import (
	"strings"
	"time"
)

// Default limits on raw input size, in bytes. Longer input is rejected with
// ErrTooLong before any parsing.
const (
	DefaultMaxLen        = 256  // phone, email, name, gender, birth date, ID
	DefaultMaxAddressLen = 1024 // address
)

// Options configure a Cleaner. The zero value and nil mean the defaults.
type Options struct {
	// Region is the ISO 3166-1 alpha-2 region assumed for phone numbers
	// written without a country code. Default "CN".
	Region string
	// DateOrder decides ambiguous numeric dates such as 05/10/2024.
	// Default DMY.
	DateOrder DateOrder
	// Gender adds or overrides gender words (compared after trimming and
	// lowercasing), for example {"1": Male, "2": Female}.
	Gender map[string]Gender
	// Now returns the current time; birth dates are checked against it
	// (age 0–120). Default time.Now.
	Now func() time.Time
	// MaxLen is the raw size limit in bytes for every field but addresses.
	// Default DefaultMaxLen.
	MaxLen int
	// MaxAddressLen is the raw size limit in bytes for addresses.
	// Default DefaultMaxAddressLen.
	MaxAddressLen int
	// DisablePhoneFastPath sends every phone number through the
	// phonenumbers library. Results are identical; it exists for testing.
	DisablePhoneFastPath bool
}

// Cleaner turns raw channel values into canonical values. It is immutable
// after New and safe for concurrent use.
type Cleaner struct {
	region     string
	order      DateOrder
	gender     map[string]Gender
	now        func() time.Time
	maxLen     int
	maxAddrLen int
	noFast     bool
}

// New returns a Cleaner configured by opts; nil means the defaults.
func New(opts *Options) *Cleaner {
	c := &Cleaner{
		region:     "CN",
		order:      DMY,
		now:        time.Now,
		maxLen:     DefaultMaxLen,
		maxAddrLen: DefaultMaxAddressLen,
	}
	c.gender = make(map[string]Gender, len(defaultGender))
	for k, v := range defaultGender {
		c.gender[k] = v
	}
	if opts == nil {
		return c
	}
	if opts.Region != "" {
		c.region = strings.ToUpper(opts.Region)
	}
	if opts.DateOrder != 0 {
		c.order = opts.DateOrder
	}
	for k, v := range opts.Gender {
		c.gender[strings.ToLower(strings.TrimSpace(k))] = v
	}
	if opts.Now != nil {
		c.now = opts.Now
	}
	if opts.MaxLen > 0 {
		c.maxLen = opts.MaxLen
	}
	if opts.MaxAddressLen > 0 {
		c.maxAddrLen = opts.MaxAddressLen
	}
	c.noFast = opts.DisablePhoneFastPath
	return c
}

// Region returns the configured default phone region.
func (c *Cleaner) Region() string { return c.region }

var defaultCleaner = New(nil)

// Default returns the shared Cleaner with default options.
func Default() *Cleaner { return defaultCleaner }
