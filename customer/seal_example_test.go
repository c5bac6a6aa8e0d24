package customer_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/cimkit/cimkit/customer"
	"github.com/cimkit/cimkit/memstore"
	"github.com/cimkit/cimkit/privacy"
)

// ExampleVaultSealer seals personal fields with a privacy.Vault whose keys
// live in the same store: the Store keeps ciphertext only, the Service
// reads plaintext, and shredding the customer's data key erases them.
func ExampleVaultSealer() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "sealer-example")
	defer os.RemoveAll(dir)
	keyFile := filepath.Join(dir, "keys.json")
	if _, err := privacy.InitKeyFile(keyFile, nil); err != nil { // "cimkit keys init"
		panic(err)
	}
	km, _ := privacy.NewLocalKeyManager(keyFile) // a cloud KMS in production
	store := memstore.New()
	vault, _ := privacy.New(store, km, nil)
	svc := customer.New(store, &customer.Options{Sealer: customer.VaultSealer(vault, "shop")})

	c, _ := svc.Create(ctx, customer.Customer{
		Name:   "张三",
		Phones: []customer.Contact{{Raw: "138 1234 5678", Value: "+8613812345678"}},
	})
	stored, _ := store.GetCustomer(ctx, c.ID)
	fmt.Printf("stored: name %q, phone %q, sealed %d fields\n", stored.Name, stored.Phones[0].Value, len(stored.Sealed))
	got, _ := svc.Get(ctx, c.ID)
	fmt.Println("read:", privacy.Name(got.Name), privacy.Phone(got.Phones[0].Value))

	vault.Shred(ctx, "shop", c.ID.String())
	_, err := svc.Get(ctx, c.ID)
	fmt.Println(errors.Is(err, customer.ErrSealed), errors.Is(err, privacy.ErrShredded))
	// Output:
	// stored: name "", phone "", sealed 3 fields
	// read: 张* +86138****5678
	// true true
}
