package customer_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cimkit/cimkit/customer"
	"github.com/cimkit/cimkit/identity"
	"github.com/cimkit/cimkit/identity/match"
	"github.com/cimkit/cimkit/internal/corrupt"
	"github.com/cimkit/cimkit/memstore"
	"github.com/google/uuid"
)

// serviceModel trains a model over the fields Ingest stores: name,
// birth_date and address, on generated people.
func serviceModel(t *testing.T) *match.Model {
	t.Helper()
	miss, cor := corrupt.DefaultRates()
	people, err := corrupt.Generate(corrupt.Config{Originals: 300, DuplicateShare: 0.5, Chinese: 0.3, Missing: miss, Corrupt: cor, Seed: 11})
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, f := range corrupt.Fields {
		col[f] = i
	}
	fields := []string{"name", "birth_date", "address"}
	var recs []match.Record
	for _, p := range people {
		v := p.Values
		name := strings.TrimSpace(v[col["given_name"]] + " " + v[col["surname"]])
		recs = append(recs, match.Record{ID: p.RecordID, Values: []string{name, v[col["date_of_birth"]], v[col["address_1"]]}})
	}
	var comps []match.Comparison
	for _, f := range fields {
		comps = append(comps, match.DefaultComparison(f, ""))
	}
	m, _, err := match.Train(context.Background(), match.Settings{Fields: fields, Comparisons: comps,
		Blocking: []match.Rule{{Columns: []string{"birth_date"}}}, Seed: 1}, recs, nil)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestServiceScanProbable(t *testing.T) {
	for _, sealed := range []bool{false, true} {
		t.Run(fmt.Sprint("sealed=", sealed), func(t *testing.T) { testServiceScanProbable(t, sealed) })
	}
}

// testServiceScanProbable: with or without sealed record fields, the scan
// merges the two records of one person and an unmerge splits them again.
func testServiceScanProbable(t *testing.T, sealed bool) {
	ctx := context.Background()
	st := memstore.New()
	n := 0
	newID := func() uuid.UUID {
		n++
		return uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "probable/%d", n))
	}
	now := func() time.Time { return ingestT0 }
	r := identity.NewResolver(st, &identity.Options{NewID: newID, Now: now,
		Probable: &identity.ProbableOptions{Model: serviceModel(t), Threshold: 0.9}})
	opts := &customer.Options{Identity: r, Now: now, NewID: newID}
	if sealed {
		opts.Sealer = customer.VaultSealer(newVault(t, st, t.TempDir()), tenant)
	}
	svc := customer.New(st, opts)
	if _, err := customer.New(memstore.New(), &customer.Options{}).ScanProbable(ctx, nil); !errors.Is(err, identity.ErrInvalid) {
		t.Fatalf("scan with a resolver without a model: %v, want ErrInvalid", err)
	}
	srcs := []customer.SourceRecord{
		{ID: "pos-1", Channel: "store_pos", At: ingestT0, Name: "张伟", BirthDate: "1985-06-07", Address: "北京市朝阳区建国路88号", Phone: "13912345678"},
		{ID: "app-1", Channel: "app", At: ingestT0.Add(time.Hour), Name: "张伟", BirthDate: "1985-06-07", Address: "北京市朝阳区建国路88号", Device: "idfa-0001"},
		{ID: "web-1", Channel: "web", At: ingestT0, Name: "李娜", BirthDate: "1985-06-07", Address: "上海市浦东新区世纪大道1号", Email: "lina@163.com"},
	}
	for _, s := range srcs {
		if _, err := svc.Ingest(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	count := func() int {
		k := 0
		for _, err := range svc.Customers(ctx) {
			if err != nil {
				t.Fatal(err)
			}
			k++
		}
		return k
	}
	if count() != 3 {
		t.Fatalf("%d profiles before the scan, want 3", count())
	}
	if sealed {
		// The resolver alone sees only ciphertext: nothing to merge on.
		rep, err := r.ScanProbable(ctx, []string{"pos-1", "app-1", "web-1"})
		if err != nil || len(rep.Merges) != 0 {
			t.Fatalf("scan over sealed fields without opening them: %d merges, %v", len(rep.Merges), err)
		}
	}
	rep, err := svc.ScanProbable(ctx, []string{"pos-1", "app-1", "web-1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Merges) != 1 || count() != 2 {
		t.Fatalf("merges %d, profiles %d; want 1 and 2: %+v", len(rep.Merges), count(), rep)
	}
	c, err := svc.Get(ctx, rep.Merges[0].Survivor())
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Phones) != 1 || c.Name != "张伟" {
		t.Fatalf("merged profile %+v", c)
	}
	if _, err := svc.Unmerge(ctx, rep.Merges[0].ID); err != nil {
		t.Fatal(err)
	}
	if count() != 3 {
		t.Fatalf("%d profiles after unmerge, want 3", count())
	}
	if _, err := (&customer.Service{}).ScanProbable(ctx, nil); !errors.Is(err, customer.ErrNoResolver) {
		t.Fatalf("no resolver: %v", err)
	}
}
