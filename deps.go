//go:build tools

package cimkit

import (
	_ "github.com/google/uuid"
	_ "github.com/nyaruka/phonenumbers"
	_ "github.com/shopspring/decimal"
	_ "golang.org/x/text/width"
)
