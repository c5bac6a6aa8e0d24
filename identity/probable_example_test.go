package identity_test

import (
	"context"
	"fmt"

	"github.com/cimkit/cimkit/identity"
	"github.com/cimkit/cimkit/identity/match"
	"github.com/cimkit/cimkit/internal/corrupt"
	"github.com/cimkit/cimkit/memstore"
)

func ExampleResolver_ScanProbable() {
	ctx := context.Background()
	// A model over profile fields, trained here on generated people; a host
	// trains on its own records and loads it with match.UnmarshalModel.
	fields := []string{"given_name", "surname", "date_of_birth", "postcode"}
	miss, cor := corrupt.DefaultRates()
	people, _ := corrupt.Generate(corrupt.Config{Originals: 300, DuplicateShare: 0.5, Missing: miss, Corrupt: cor, Seed: 5})
	var train []match.Record
	for _, p := range people {
		// corrupt.Fields order: given_name, surname, ..., postcode (5), ..., date_of_birth (7).
		train = append(train, match.Record{ID: p.RecordID, Values: []string{p.Values[0], p.Values[1], p.Values[7], p.Values[5]}})
	}
	var comps []match.Comparison
	for _, f := range fields {
		comps = append(comps, match.DefaultComparison(f, ""))
	}
	model, _, err := match.Train(ctx, match.Settings{Fields: fields, Comparisons: comps,
		Blocking: []match.Rule{{Columns: []string{"surname"}}, {Columns: []string{"date_of_birth"}}}, Seed: 1}, train, nil)
	if err != nil {
		fmt.Println(err)
		return
	}

	r := identity.NewResolver(memstore.New(), &identity.Options{
		Probable: &identity.ProbableOptions{Model: model, Threshold: 0.95, Review: 0.5}})
	profile := map[string]string{"given_name": "mary", "surname": "jones", "date_of_birth": "1980-03-04", "postcode": "2600"}
	_, _ = r.Ingest(ctx, identity.Record{ID: "pos-1", Channel: "store_pos", Fields: profile,
		Identifiers: []identity.Identifier{{Kind: identity.KindPhone, Value: "138 1234 5678"}}})
	_, _ = r.Ingest(ctx, identity.Record{ID: "app-7", Channel: "app", Fields: profile,
		Identifiers: []identity.Identifier{{Kind: identity.KindDevice, Value: "idfa-42"}}})

	rep, err := r.ScanProbable(ctx, []string{"pos-1", "app-7"})
	if err != nil {
		fmt.Println(err)
		return
	}
	ev := rep.Merges[0]
	fmt.Println(len(rep.Merges), ev.Kind)
	for _, e := range ev.Reasons {
		fmt.Println(e.A, e.B, e.Kind, e.Rule, e.Probability >= 0.95)
	}
	un, _ := r.Unmerge(ctx, ev.ID)
	fmt.Println(un.Kind, len(un.After), "customers")
	// Output:
	// 1 probable_merge
	// app-7 pos-1 probable linked true
	// unmerge 2 customers
}
