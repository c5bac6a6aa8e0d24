package identity_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/cimkit/cimkit/identity"
	"github.com/cimkit/cimkit/internal/synth"
	"github.com/cimkit/cimkit/memstore"
	"github.com/google/uuid"
)

var t0 = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// seqIDs returns a deterministic id generator.
func seqIDs(prefix string) func() uuid.UUID {
	n := 0
	return func() uuid.UUID {
		n++
		return uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "%s/%d", prefix, n))
	}
}

func newResolver(t testing.TB) (*identity.Resolver, *memstore.Store) {
	st := memstore.New()
	return identity.NewResolver(st, &identity.Options{NewID: seqIDs(t.Name()), Now: func() time.Time { return t0 }}), st
}

// fromSynth turns a synthetic record into an identity record.
func fromSynth(r synth.Record) identity.Record {
	rec := identity.Record{ID: r.ID, Channel: r.Channel, At: r.RegisteredAt, Fields: map[string]string{}}
	add := func(k identity.Kind, v string) {
		if v != "" {
			rec.Identifiers = append(rec.Identifiers, identity.Identifier{Kind: k, Value: v})
		}
	}
	add(identity.KindPhone, r.Phone)
	add(identity.KindDevice, r.Device)
	add(identity.KindEmail, r.Email)
	add(identity.KindMemberID, r.MemberID)
	add(identity.KindName, r.Name)
	if r.Name != "" {
		rec.Fields["name"] = r.Name
	}
	return rec
}

func rec(id string, at time.Time, kv ...string) identity.Record {
	r := identity.Record{ID: id, Channel: "app", At: at}
	for i := 0; i+1 < len(kv); i += 2 {
		r.Identifiers = append(r.Identifiers, identity.Identifier{Kind: identity.Kind(kv[i]), Value: kv[i+1]})
	}
	return r
}

// nodes prepares records into Resolve input.
func nodes(t testing.TB, rs *identity.Resolver, recs []identity.Record) []identity.Node {
	var out []identity.Node
	for _, r := range recs {
		sr, _, _, err := rs.Prepare(context.Background(), r)
		if err != nil {
			continue
		}
		out = append(out, identity.Node{ID: sr.ID, At: sr.At, Keys: slices.Concat(sr.Keys, sr.Evidence)})
	}
	return out
}

// clusters renders a partition canonically.
func clusters(cs [][]string) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		c = slices.Clone(c)
		sort.Strings(c)
		parts[i] = strings.Join(c, ",")
	}
	sort.Strings(parts)
	return strings.Join(parts, " | ")
}

// storedPartition reads the customers of the given records from the store.
func storedPartition(t testing.TB, st identity.Store, ids []string) string {
	t.Helper()
	recs, err := st.IdentityRecords(context.Background(), ids)
	if err != nil {
		t.Fatal(err)
	}
	by := map[uuid.UUID][]string{}
	for _, r := range recs {
		by[r.CustomerID] = append(by[r.CustomerID], r.ID)
	}
	var cs [][]string
	for _, c := range by {
		cs = append(cs, c)
	}
	return clusters(cs)
}

func isNoID(err error) bool { return errors.Is(err, identity.ErrNoIdentifier) }

func memstoreNew() *memstore.Store { return memstore.New() }
