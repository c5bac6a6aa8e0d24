package privacy

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestVaultOperationsProperty runs random mixes of seals, reseals, data-key
// rotations, KEK rotations (add, promote, rewrap, retire, destroy) and
// shreds over a few customers, and after every step opens every value
// sealed so far, through this Vault and a fresh one over the same stores:
// a value opens to its plaintext unless its customer was shredded, in
// which case it fails with ErrShredded and ErrDecrypt; a seal for a
// shredded customer is refused.
func TestVaultOperationsProperty(t *testing.T) {
	seeds := 25
	if testing.Short() {
		seeds = 4
	}
	for seed := range uint64(seeds) {
		rng := rand.New(rand.NewPCG(seed, 37))
		e := newTestEnv(t, nil)
		ctx := context.Background()
		type sealed struct {
			ad AssociatedData
			ct []byte
			pt string
		}
		var values []sealed
		shredded := map[string]bool{}
		customers := []string{"c0", "c1", "c2", "c3"}
		fields := []string{"name", "phone", "email"}
		for step := range 80 {
			c := customers[rng.IntN(len(customers))]
			switch op := rng.IntN(20); {
			case op < 8:
				ad := AssociatedData{Tenant: "shop1", RecordKind: "customer", RecordID: c, CustomerID: c, Field: fields[rng.IntN(len(fields))]}
				pt := fmt.Sprintf("v%d-%d", seed, step)
				ct, err := e.v.Seal(ctx, ad, []byte(pt))
				if shredded[c] {
					if !errors.Is(err, ErrShredded) {
						t.Fatalf("seed %d step %d: seal for a shredded customer: %v", seed, step, err)
					}
					continue
				}
				if err != nil {
					t.Fatal(err)
				}
				values = append(values, sealed{ad, ct, pt})
			case op < 10:
				if len(values) == 0 {
					continue
				}
				i := rng.IntN(len(values))
				ct, err := e.v.Reseal(ctx, values[i].ad, values[i].ct)
				if shredded[values[i].ad.CustomerID] {
					if err == nil {
						t.Fatalf("seed %d step %d: resealed a shredded customer's value", seed, step)
					}
					continue
				}
				if err != nil {
					t.Fatalf("seed %d step %d: reseal: %v", seed, step, err)
				}
				values[i].ct = ct
			case op < 12:
				if _, err := e.v.RotateDataKey(ctx, "shop1", c); err != nil && !(shredded[c] && errors.Is(err, ErrShredded)) {
					t.Fatalf("seed %d step %d: rotate data key: %v", seed, step, err)
				}
			case op < 13:
				if _, err := e.v.AddKey(ctx, "shop1", KindKEK); err != nil {
					t.Fatal(err)
				}
			case op < 15:
				ks, err := e.v.Keys(ctx, "shop1", KindKEK)
				if err != nil {
					t.Fatal(err)
				}
				if len(ks) == 0 {
					continue // the tenant's first KEK comes with its first seal
				}
				k := ks[rng.IntN(len(ks))]
				switch rng.IntN(4) {
				case 0:
					err = e.v.PromoteKey(ctx, "shop1", KindKEK, k.Version)
				case 1:
					_, err = e.v.Rewrap(ctx, "shop1", nil)
				case 2:
					err = e.v.RetireKey(ctx, "shop1", KindKEK, k.Version)
				default:
					err = e.v.DestroyKey(ctx, "shop1", KindKEK, k.Version)
				}
				// Refusals (a primary retired, a key still in use,
				// destroying before retiring) are part of the protocol.
				if err != nil && !errors.Is(err, ErrConflict) {
					t.Fatalf("seed %d step %d: kek op: %v", seed, step, err)
				}
			default:
				if _, err := e.v.Shred(ctx, "shop1", c); err != nil {
					t.Fatal(err)
				}
				shredded[c] = true
			}
			fresh, err := New(e.ks, e.km, &Options{Rand: e.rnd, Now: e.clock.Now})
			if err != nil {
				t.Fatal(err)
			}
			for i, x := range values {
				for _, v := range []*Vault{e.v, fresh} {
					got, err := v.Open(ctx, x.ad, x.ct)
					switch {
					case shredded[x.ad.CustomerID]:
						if !errors.Is(err, ErrShredded) || !errors.Is(err, ErrDecrypt) {
							t.Fatalf("seed %d step %d: value %d of a shredded customer: %v", seed, step, i, err)
						}
					case err != nil || string(got) != x.pt:
						t.Fatalf("seed %d step %d: value %d opens to %q, %v; want %q", seed, step, i, got, err, x.pt)
					}
				}
			}
		}
	}
}
