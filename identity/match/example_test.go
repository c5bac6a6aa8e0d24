package match_test

import (
	"context"
	"fmt"

	"github.com/cimkit/cimkit/identity/match"
	"github.com/cimkit/cimkit/internal/corrupt"
)

func Example() {
	miss, cor := corrupt.DefaultRates()
	people, _ := corrupt.Generate(corrupt.Config{Originals: 500, DuplicateShare: 0.5, Chinese: 0.3,
		Missing: miss, Corrupt: cor, Seed: 1})
	var recs []match.Record
	for _, p := range people {
		recs = append(recs, match.Record{ID: p.RecordID, Values: p.Values})
	}
	var comps []match.Comparison
	for _, f := range []string{"given_name", "surname", "date_of_birth", "postcode", "phone"} {
		comps = append(comps, match.DefaultComparison(f, ""))
	}
	rules, _ := match.ParseRules("surname;postcode;date_of_birth")
	counts, total, _ := match.CountPairs(corrupt.Fields, rules, recs, nil)
	for _, c := range counts {
		fmt.Printf("rule %s adds %d pairs\n", c.Rule, c.NewPairs)
	}
	fmt.Println("candidate pairs:", total)

	ctx := context.Background()
	model, _, err := match.Train(ctx, match.Settings{Fields: corrupt.Fields, Comparisons: comps, Blocking: rules, Seed: 1}, recs, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	res := model.Score(
		match.Record{Values: []string{"王小明", "", "", "", "", "2600", "", "1980-03-04", "13812345678"}},
		match.Record{Values: []string{"王晓明", "", "", "", "", "2600", "", "1980-04-03", "+86 138 1234 5678"}},
	)
	for _, c := range res.Waterfall {
		fmt.Printf("%-13s %s\n", c.Field, c.Level)
	}
	fmt.Printf("match: %v\n", res.Probability > 0.99)
	// Output:
	// rule surname adds 3415 pairs
	// rule postcode adds 7531 pairs
	// rule date_of_birth adds 7 pairs
	// candidate pairs: 10953
	// given_name    name_close(jw>=0.92,han_edits<=1)
	// surname       null
	// date_of_birth day_month_transposed
	// postcode      exact
	// phone         exact_digits
	// match: true
}

func ExampleJaroWinkler() {
	fmt.Printf("%.4f %.4f %.4f\n", match.JaroWinkler("MARTHA", "MARHTA"), match.JaroWinkler("DWAYNE", "DUANE"), match.JaroWinkler("DIXON", "DICKSONX"))
	fmt.Println(match.Levenshtein("王小明", "王晓明"), match.DamerauLevenshtein("MARTHA", "MARHTA"))
	// Output:
	// 0.9611 0.8400 0.8133
	// 1 1
}

func ExampleParseRules() {
	rules, _ := match.ParseRules("surname; postcode+state")
	for _, r := range rules {
		fmt.Println(r.Columns)
	}
	// Output:
	// [surname]
	// [postcode state]
}
