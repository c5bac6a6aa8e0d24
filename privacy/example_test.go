package privacy_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/cimkit/cimkit/memstore"
	"github.com/cimkit/cimkit/privacy"
)

// exampleVault builds a Vault over a fresh local key file and memstore (a
// host passes its own KeyStore and its KMS-backed KeyManager).
func exampleVault() (*privacy.Vault, func()) {
	dir, _ := os.MkdirTemp("", "privacy-example")
	path := filepath.Join(dir, "keys.json")
	if _, err := privacy.InitKeyFile(path, nil); err != nil {
		panic(err)
	}
	km, err := privacy.NewLocalKeyManager(path)
	if err != nil {
		panic(err)
	}
	v, err := privacy.New(memstore.New(), km, &privacy.Options{Rand: rand.NewChaCha8([32]byte{1}), IndexBits: 16})
	if err != nil {
		panic(err)
	}
	return v, func() { os.RemoveAll(dir) }
}

func ExampleVault() {
	v, done := exampleVault()
	defer done()
	ctx := context.Background()
	ad := privacy.AssociatedData{Tenant: "shop", RecordKind: "customer", RecordID: "c-42", CustomerID: "c-42", Field: "phone"}

	ct, err := v.Seal(ctx, ad, []byte("13812345678"))
	if err != nil {
		panic(err)
	}
	pt, err := v.Open(ctx, ad, ct)
	fmt.Println(string(pt), err, len(ct) == len(pt)+privacy.Overhead)

	// The same ciphertext moved to another field does not open.
	ad.Field = "email"
	_, err = v.Open(ctx, ad, ct)
	fmt.Println(errors.Is(err, privacy.ErrDecrypt))
	// Output:
	// 13812345678 <nil> true
	// true
}

func ExampleVault_Shred() {
	v, done := exampleVault()
	defer done()
	ctx := context.Background()
	ad := privacy.AssociatedData{Tenant: "shop", RecordKind: "customer", RecordID: "c-42", CustomerID: "c-42", Field: "name"}
	ct, _ := v.Seal(ctx, ad, []byte("张三"))

	receipt, err := v.Shred(ctx, "shop", "c-42")
	fmt.Println(receipt.CustomerID, receipt.Versions, err)
	_, err = v.Open(ctx, ad, ct)
	fmt.Println(errors.Is(err, privacy.ErrShredded), errors.Is(err, privacy.ErrDecrypt))
	// Output:
	// c-42 [1] <nil>
	// true true
}

func ExampleTokenizer() {
	v, done := exampleVault()
	defer done()
	ctx := context.Background()
	tz, _ := v.Tokenizer("shop")

	// Store the token beside the sealed phone; look up by every token.
	tok, _ := tz.Token(ctx, "phone", "+8613812345678")
	again, _ := tz.Token(ctx, "phone", "+8613812345678")
	lookup, _ := tz.Tokens(ctx, "phone", "+8613812345678")
	fmt.Println(tok == again, lookup[0] == tok, len(tok))

	// Candidates sharing the token are confirmed by decrypting.
	ad := privacy.AssociatedData{Tenant: "shop", RecordKind: "customer", RecordID: "c-1", CustomerID: "c-1", Field: "phone"}
	ct, _ := v.Seal(ctx, ad, []byte("+8613812345678"))
	ok, err := v.Confirm(ctx, ad, ct, "+8613812345678")
	fmt.Println(ok, err)
	// Output:
	// true true 5
	// true <nil>
}

func ExamplePhone() {
	p := privacy.Phone("13812345678")
	fmt.Println(p, privacy.Email("zhangsan@qq.com"), privacy.Name("张三"), privacy.Text("北京市朝阳区"))
	fmt.Printf("%q %#v\n", p, p)
	slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	})).Info("login", "phone", p)
	fmt.Println(p.Reveal())
	// Output:
	// 138****5678 z***@qq.com 张* ***
	// "138****5678" privacy.Phone("138****5678")
	// level=INFO msg=login phone=138****5678
	// 13812345678
}

func ExampleInitKeyFile() {
	dir, _ := os.MkdirTemp("", "privacy-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "keys.json")
	st, _ := privacy.InitKeyFile(path, nil)
	fmt.Println(st.Primary)
	st, _ = privacy.RotateKeyFile(path, nil)
	for _, kv := range st.Versions {
		fmt.Println(kv.Version, kv.State)
	}
	// Output:
	// 1
	// 1 active
	// 2 primary
}

// Example_service shows how a service (such as customer.Service) seals a
// record's sensitive fields before its Store sees them, indexes an
// identifier with a blind-index token, and finds the record again by the
// identifier without the store ever holding the plaintext.
func Example_service() {
	v, done := exampleVault()
	defer done()
	ctx := context.Background()
	tz, _ := v.Tokenizer("shop")

	// What the host's store keeps for a customer: ciphertexts and tokens.
	type storedProfile struct {
		ID         string
		Name       []byte // sealed
		Phone      []byte // sealed
		PhoneToken string // blind index, queryable
	}
	adFor := func(id, field string) privacy.AssociatedData {
		return privacy.AssociatedData{Tenant: "shop", RecordKind: "customer", RecordID: id, CustomerID: id, Field: field}
	}
	save := func(id, name, phone string) storedProfile {
		p := storedProfile{ID: id}
		p.Name, _ = v.Seal(ctx, adFor(id, "name"), []byte(name))
		p.Phone, _ = v.Seal(ctx, adFor(id, "phone"), []byte(phone))
		p.PhoneToken, _ = tz.Token(ctx, "phone", phone) // phone already canonical
		return p
	}
	table := []storedProfile{
		save("c-1", "张三", "+8613812345678"),
		save("c-2", "李四", "+8613900001111"),
	}

	// Lookup by phone: query by every token, then confirm by decrypting.
	lookup := func(phone string) []storedProfile {
		toks, _ := tz.Tokens(ctx, "phone", phone)
		var cands []storedProfile
		for _, p := range table { // the store's "WHERE phone_token IN (...)"
			for _, tok := range toks {
				if p.PhoneToken == tok {
					cands = append(cands, p)
				}
			}
		}
		found, _ := privacy.ConfirmCandidates(ctx, v, phone, cands, func(p storedProfile) (privacy.AssociatedData, []byte) {
			return adFor(p.ID, "phone"), p.Phone
		})
		return found
	}
	for _, p := range lookup("+8613812345678") {
		name, _ := v.Open(ctx, adFor(p.ID, "name"), p.Name)
		fmt.Println(p.ID, privacy.Name(name)) // printed masked
	}
	fmt.Println(len(lookup("+8613800000000")))
	// Output:
	// c-1 张*
	// 0
}

// ExampleVault_Rewrap rotates a tenant's key-encryption key: add a version,
// make it primary, rewrap the data keys in batches (resumable from
// p.Cursor), then retire and destroy the old version. Reads work
// throughout.
func ExampleVault_Rewrap() {
	v, done := exampleVault()
	defer done()
	ctx := context.Background()
	ad := privacy.AssociatedData{Tenant: "shop", RecordKind: "customer", RecordID: "c-1", CustomerID: "c-1", Field: "name"}
	ct, _ := v.Seal(ctx, ad, []byte("张三"))

	ver, _ := v.AddKey(ctx, "shop", privacy.KindKEK)
	_ = v.PromoteKey(ctx, "shop", privacy.KindKEK, ver)
	p, err := v.Rewrap(ctx, "shop", &privacy.RewrapOptions{
		BatchSize: 100,
		Progress:  func(p privacy.RewrapProgress) error { return nil }, // persist p.Cursor to resume
	})
	fmt.Println(p.Rewrapped, p.Done, err)
	fmt.Println(v.RetireKey(ctx, "shop", privacy.KindKEK, 1), v.DestroyKey(ctx, "shop", privacy.KindKEK, 1))

	keys, _ := v.Keys(ctx, "shop", privacy.KindKEK)
	for _, k := range keys {
		fmt.Println(k.Version, k.State)
	}
	pt, err := v.Open(ctx, ad, ct)
	fmt.Println(string(pt), err)
	// Output:
	// 1 true <nil>
	// <nil> <nil>
	// 1 destroyed
	// 2 primary
	// 张三 <nil>
}
