// Package match links records that share no key: probabilistic record
// linkage in the Fellegi-Sunter model, after Splink.
//
// Each field of a pair of records is compared at levels (exact, Jaro-Winkler
// at least a threshold, edit distance at most n, dates within a span or
// with day and month transposed, phone digits within n edits, Han names by
// characters and Latin names by tokens, ...). Blocking rules choose the
// candidate pairs, counted before any is generated. Train estimates the u
// probabilities from random pairs and the m probabilities and the match
// share by expectation-maximisation; the resulting Model scores a pair
// with a match weight (log2 Bayes factor), a probability and a per-field
// waterfall, predicts over whole tables and clusters the links into
// entities.
//
// The smallest use, deduplicating one table:
//
//	fields := []string{"given_name", "surname", "date_of_birth"}
//	var comps []match.Comparison
//	for _, f := range fields {
//		comps = append(comps, match.DefaultComparison(f, ""))
//	}
//	model, diag, err := match.Train(ctx, match.Settings{
//		Fields:      fields,
//		Comparisons: comps,
//		Blocking:    []match.Rule{{Columns: []string{"surname"}}, {Columns: []string{"date_of_birth"}}},
//		Seed:        1,
//	}, records, nil)
//	...
//	pairs, err := model.Predict(ctx, records, nil, 0.9)
//	entities, err := model.Cluster(records, nil, pairs, match.ClusterOptions{Threshold: 0.9})
//
// A Model is immutable and safe for concurrent use. It is saved with
// json.Marshal and loaded with UnmarshalModel.
package match
