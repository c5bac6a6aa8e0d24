package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/cimkit/cimkit/customer"
	"github.com/cimkit/cimkit/customer/clean"
	"github.com/cimkit/cimkit/internal/demo"
	"github.com/cimkit/cimkit/privacy"
	"github.com/google/uuid"
)

// quickstartTenant names the quickstart's keys in the KeyStore.
const quickstartTenant = "quickstart"

// sealedCopies is how many customers the privacy stage copies sealed.
const sealedCopies = 5

// privacyStage shows field-level encryption end to end on the same
// memstore: a local key file (as "cimkit keys init" makes) wraps the
// tenant keys, a Vault keeps its wrapped keys in the store, and a second
// Service with a Sealer stores sealed copies of a few customers. It checks
// and shows that the store holds only ciphertext, finds a customer by
// phone through a blind index without the store holding the phone, and
// crypto-shreds one customer so that nothing of theirs can be read again.
// Personal data is printed masked only.
func privacyStage(ctx context.Context, p *progress, e *env) error {
	defer p.stage("field encryption, blind-index lookup and crypto-shredding")()
	dir, err := os.MkdirTemp("", "cimkit-quickstart-keys")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	keyFile := filepath.Join(dir, "keys.json")
	if _, err := privacy.InitKeyFile(keyFile, nil); err != nil {
		return fmt.Errorf("key file: %w", err)
	}
	km, err := privacy.NewLocalKeyManager(keyFile)
	if err != nil {
		return fmt.Errorf("key file: %w", err)
	}
	v, err := privacy.New(e.store, km, &privacy.Options{IndexBits: privacy.IndexBitsFor(len(e.ds.Records))})
	if err != nil {
		return err
	}
	sealedSvc := customer.New(e.store, &customer.Options{
		Now:            func() time.Time { return demo.Now },
		NewID:          demo.SeqIDs(0x5ea1),
		Sealer:         customer.VaultSealer(v, quickstartTenant),
		SealAttributes: []string{"member_id"},
	})
	tz, err := v.Tokenizer(quickstartTenant)
	if err != nil {
		return err
	}
	p.printf("    local key file made; Vault keys kept wrapped in memstore; blind index %d bits\n", privacy.IndexBitsFor(len(e.ds.Records)))

	// Sealed copies of the first customers that have a phone, each
	// indexed by a blind-index token of the canonical phone (the host
	// keeps such tokens in an indexed column; here, a map).
	index := map[string][]uuid.UUID{}
	var ids []uuid.UUID
	var phones []string // canonical phones of the copies, for the lookup demo
	for c, err := range e.svc.Customers(ctx) {
		if err != nil {
			return err
		}
		if len(ids) == sealedCopies {
			break
		}
		if len(c.Phones) == 0 {
			continue
		}
		ph, err := clean.Default().Phone(c.Phones[0].Raw)
		if err != nil || !ph.OK() {
			continue
		}
		cp := c.Clone()
		cp.ID, cp.Version = uuid.Nil, 0
		cp.Phones[0].Value = ph.E164()
		sc, err := sealedSvc.Create(ctx, cp)
		if err != nil {
			return fmt.Errorf("sealed copy: %w", err)
		}
		tok, err := tz.Token(ctx, "phone", ph.E164())
		if err != nil {
			return err
		}
		index[tok] = append(index[tok], sc.ID)
		ids = append(ids, sc.ID)
		phones = append(phones, ph.E164())
	}
	if len(ids) == 0 {
		p.printf("    no customer with a phone to copy\n")
		return nil
	}

	// What the store holds, checked against what the Service returns.
	for i, id := range ids {
		stored, err := e.store.GetCustomer(ctx, id)
		if err != nil {
			return err
		}
		opened, err := sealedSvc.Get(ctx, id)
		if err != nil {
			return err
		}
		if err := onlyCiphertext(stored, opened); err != nil {
			return fmt.Errorf("sealed copy %d: %w", i+1, err)
		}
		size := 0
		for _, ct := range stored.Sealed {
			size += len(ct)
		}
		p.printf("    copy %d: %s  phone %s  | stored: name %q, phone %q, %d sealed fields, %d bytes of ciphertext\n",
			i+1, privacy.Name(opened.Name), privacy.Phone(opened.Phones[0].Value), stored.Name, stored.Phones[0].Raw, len(stored.Sealed), size)
	}
	p.printf("    store check: no personal value of the copies is stored in clear\n")

	// Blind-index lookup: tokens find candidates, decryption confirms.
	want := min(1, len(ids)-1)
	found, cands, err := lookupPhone(ctx, v, tz, e, index, phones[want])
	if err != nil {
		return err
	}
	if len(found) != 1 || found[0] != ids[want] {
		return fmt.Errorf("blind-index lookup found %d customers, want copy %d", len(found), want+1)
	}
	p.printf("    lookup phone %s: %d candidate(s) by token, 1 confirmed by decryption: copy %d\n", privacy.Phone(phones[want]), cands, want+1)
	missing := "+8613700000000"
	if found, cands, err = lookupPhone(ctx, v, tz, e, index, missing); err != nil || len(found) != 0 {
		return fmt.Errorf("lookup of an unknown phone found %d: %v", len(found), err)
	}
	p.printf("    lookup phone %s: %d candidate(s), none confirmed\n", privacy.Phone(missing), cands)

	// Crypto-shredding: destroy one customer's data key.
	victim := ids[len(ids)-1]
	receipt, err := v.Shred(ctx, quickstartTenant, victim.String())
	if err != nil {
		return err
	}
	_, readErr := sealedSvc.Get(ctx, victim)
	if !errors.Is(readErr, privacy.ErrShredded) {
		return fmt.Errorf("a shredded customer was readable: %v", readErr)
	}
	stored, err := e.store.GetCustomer(ctx, victim)
	if err != nil {
		return err
	}
	p.printf("    copy %d shredded (data key versions %v destroyed): its %d ciphertexts stay in the store; reading fails: %v\n",
		len(ids), receipt.Versions, len(stored.Sealed), readErr)
	if _, err := sealedSvc.Get(ctx, ids[0]); err != nil {
		return fmt.Errorf("an unshredded copy became unreadable: %w", err)
	}
	p.printf("    the other copies still read back\n")
	return nil
}

// lookupPhone finds sealed copies by canonical phone: every token of the
// phone (one per index key version) selects candidates from the index,
// and each candidate is confirmed by opening its stored ciphertext. It
// returns the confirmed ids and the number of candidates.
func lookupPhone(ctx context.Context, v *privacy.Vault, tz *privacy.Tokenizer, e *env, index map[string][]uuid.UUID, phone string) ([]uuid.UUID, int, error) {
	toks, err := tz.Tokens(ctx, "phone", phone)
	if err != nil {
		return nil, 0, err
	}
	var cands []uuid.UUID
	for _, tok := range toks {
		cands = append(cands, index[tok]...)
	}
	const field = "phones[0].value"
	found, err := privacy.ConfirmCandidates(ctx, v, phone, cands, func(id uuid.UUID) (privacy.AssociatedData, []byte) {
		stored, err := e.store.GetCustomer(ctx, id)
		if err != nil {
			return customer.VaultAD(quickstartTenant, id, field), nil
		}
		return customer.VaultAD(quickstartTenant, id, field), stored.Sealed[field]
	})
	return found, len(cands), err
}

// onlyCiphertext checks that the stored form of a sealed customer has
// every personal field empty and that no opened value appears in its
// ciphertexts.
func onlyCiphertext(stored, opened customer.Customer) error {
	if stored.Name != "" || !stored.BirthDate.IsZero() || stored.Attributes["member_id"] != "" {
		return errors.New("a personal field is stored in clear")
	}
	values := []string{opened.Name, opened.Attributes["member_id"]}
	for _, cs := range [][]customer.Contact{stored.Phones, stored.Emails} {
		for _, ct := range cs {
			if ct.Raw != "" || ct.Value != "" {
				return errors.New("a contact is stored in clear")
			}
		}
	}
	for _, cs := range [][]customer.Contact{opened.Phones, opened.Emails} {
		for _, ct := range cs {
			values = append(values, ct.Raw, ct.Value)
		}
	}
	for i, a := range stored.Addresses {
		if a.Raw != "" || a.Province != "" || a.City != "" || a.District != "" || a.Detail != "" || a.PostalCode != "" {
			return errors.New("an address is stored in clear")
		}
		values = append(values, opened.Addresses[i].Raw)
	}
	for _, ct := range stored.Sealed {
		for _, s := range values {
			if s != "" && bytes.Contains(ct, []byte(s)) {
				return errors.New("a ciphertext contains its plaintext")
			}
		}
	}
	return nil
}
