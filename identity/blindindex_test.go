package identity_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cimkit/cimkit/identity"
	"github.com/cimkit/cimkit/memstore"
	"github.com/cimkit/cimkit/privacy"
)

// TestBlindIndexTokens resolves through privacy's keyed blind index: the
// same phone written two ways links, and the identity store holds neither
// the phone nor its plain token.
func TestBlindIndexTokens(t *testing.T) {
	ctx := context.Background()
	st := memstore.New()
	km, err := privacy.NewLocalKeyManager(keyFile(t))
	if err != nil {
		t.Fatal(err)
	}
	v, err := privacy.New(st, km, &privacy.Options{IndexBits: 128})
	if err != nil {
		t.Fatal(err)
	}
	tz, err := v.Tokenizer("shop")
	if err != nil {
		t.Fatal(err)
	}
	r := identity.NewResolver(st, &identity.Options{Tokenizer: identity.BlindIndex(tz)})
	at := time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC)
	a, err := r.Ingest(ctx, identity.Record{ID: "r1", Channel: "app", At: at, Identifiers: []identity.Identifier{{Kind: identity.KindPhone, Value: "138 1234 5678"}}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := r.Ingest(ctx, identity.Record{ID: "r2", Channel: "web", At: at.Add(time.Hour), Identifiers: []identity.Identifier{{Kind: identity.KindPhone, Value: "+86-138-1234-5678"}}})
	if err != nil {
		t.Fatal(err)
	}
	if a.CustomerID != b.CustomerID {
		t.Fatal("the same phone in two formats did not link through blind-index tokens")
	}
	recs, err := st.IdentityRecords(ctx, []string{"r1", "r2"})
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := identity.PlainTokenizer{}.Token(ctx, identity.KindPhone, "+8613812345678")
	for _, rec := range recs {
		for _, k := range rec.Keys {
			if strings.Contains(k.Token, "13812345678") || k.Token == plain {
				t.Fatal("the identity store holds the phone or its unkeyed token")
			}
			if _, err := privacy.TokenVersion(k.Token); err != nil {
				t.Fatalf("token is not a privacy blind-index token: %v", err)
			}
		}
	}
	id, err := r.Lookup(ctx, identity.KindPhone, "13812345678")
	if err != nil || id != a.CustomerID {
		t.Fatalf("lookup through the blind index: %v", err)
	}
}

func keyFile(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "keys.json")
	if _, err := privacy.InitKeyFile(path, nil); err != nil {
		t.Fatal(err)
	}
	return path
}
