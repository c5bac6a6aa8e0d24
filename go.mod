module github.com/cimkit/cimkit

go 1.24.0

require (
	github.com/google/uuid v1.6.0
	github.com/nyaruka/phonenumbers v1.8.1
	github.com/shopspring/decimal v1.6.0
	golang.org/x/text v0.34.0
)

require google.golang.org/protobuf v1.36.11 // indirect
