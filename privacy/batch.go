package privacy

import (
	"context"
	"fmt"
)

// SealFields seals several fields of one place at once: values[i] for
// the field fields[i], ad naming the rest of the place (its Field is
// ignored), each result stored in out[i]. Each result is exactly what
// Seal(ctx, ad with Field fields[i], []byte(values[i])) would return, with
// its own random nonce and its field bound in the associated data, and
// opens with Open; but the data key is looked up once, the nonces are
// drawn together and the results share one allocation (each capped at
// its length, so appending to one never writes into another). fields,
// values and out must have the same length. Errors are those of Seal;
// on error out is left unset.
func (v *Vault) SealFields(ctx context.Context, ad AssociatedData, fields, values []string, out [][]byte) error {
	if len(fields) != len(values) {
		return fmt.Errorf("%w: %d fields for %d values", ErrInvalid, len(fields), len(values))
	}
	return v.sealFields(ctx, ad, fields, values, nil, out)
}

// SealFieldsBytes is SealFields for values held in byte slices. The values
// are only read: a caller may clear them, or reuse their memory, as soon
// as it returns.
func (v *Vault) SealFieldsBytes(ctx context.Context, ad AssociatedData, fields []string, values [][]byte, out [][]byte) error {
	if len(fields) != len(values) {
		return fmt.Errorf("%w: %d fields for %d values", ErrInvalid, len(fields), len(values))
	}
	return v.sealFields(ctx, ad, fields, nil, values, out)
}

// sealFields is SealFields for values in svalues or, if that is nil, in
// bvalues (not generic, so that callers in other packages keep their
// arguments on the stack).
func (v *Vault) sealFields(ctx context.Context, ad AssociatedData, fields, svalues []string, bvalues [][]byte, out [][]byte) error {
	if len(fields) != len(out) {
		return fmt.Errorf("%w: %d fields for %d results", ErrInvalid, len(fields), len(out))
	}
	vlen := func(i int) int {
		if svalues != nil {
			return len(svalues[i])
		}
		return len(bvalues[i])
	}
	if len(fields) == 0 {
		return nil
	}
	total, maxAD := 0, 0
	for i, f := range fields {
		ad.Field = f
		if err := ad.validate(); err != nil {
			return err
		}
		total += prefixLen + vlen(i) + tagLen
		maxAD = max(maxAD, headerLen+ad.encodedLen())
	}
	ck, err := v.customerKeys(ctx, ad.Tenant, ad.CustomerID, true)
	if err != nil {
		return err
	}
	if ck.shredded {
		return fmt.Errorf("%w: customer data key", ErrShredded)
	}
	// One allocation: the results, then scratch space for the nonces and
	// for the additional data of one field at a time (neither secret).
	nn := nonceLen * len(fields)
	buf := make([]byte, total+nn+maxAD)
	nonces, scratch := buf[total:total+nn], buf[total+nn:total+nn]
	if err := v.nonceBlock(nonces); err != nil {
		return fmt.Errorf("privacy: nonce: %w", err)
	}
	off := 0
	for i, f := range fields {
		n := prefixLen + vlen(i) + tagLen
		ct := buf[off : off+n : off+n]
		appendHeader(ct[:0], ck.primary)
		copy(ct[headerLen:prefixLen], nonces[i*nonceLen:])
		ad.Field = f
		aad := ad.appendEncoded(append(scratch, ct[:headerLen]...))
		// Sealed in place: the plaintext is copied where its ciphertext
		// goes, which the AEAD allows (exact overlap).
		var pt []byte
		if svalues != nil {
			pt = ct[prefixLen : prefixLen+copy(ct[prefixLen:], svalues[i])]
		} else {
			pt = ct[prefixLen : prefixLen+copy(ct[prefixLen:], bvalues[i])]
		}
		ck.aead.Seal(ct[:prefixLen], ct[headerLen:prefixLen], pt, aad)
		out[i] = ct
		off += n
	}
	clear(buf[total:])
	return nil
}

// nonceBlock fills b, a whole number of nonces, like nonce, in as few
// reads of the source as the nonce buffer allows.
func (v *Vault) nonceBlock(b []byte) error {
	if v.rand != nil {
		return v.random(b)
	}
	const chunk = len(nonceBuffer{}.buf)
	for len(b) > 0 {
		n := min(len(b), chunk)
		if err := v.nonces.read(b[:n]); err != nil {
			return err
		}
		b = b[n:]
	}
	return nil
}
