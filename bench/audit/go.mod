module github.com/cimkit/cimkit/bench/audit

go 1.24.0

require github.com/cimkit/cimkit v0.0.0

require (
	github.com/google/uuid v1.6.0 // indirect
	github.com/shopspring/decimal v1.6.0 // indirect
	github.com/transparency-dev/merkle v0.0.2
)

replace github.com/cimkit/cimkit => ../..
