// Package tagging compares cimkit's compiled tag rules with the same rule
// in github.com/google/cel-go and github.com/expr-lang/expr. It is a
// separate module so the peers never enter cimkit's go.mod.
//
//	cd bench/tagging && go test -run XXX -bench . -benchmem
package tagging
