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
	// One allocation: the results, then scratch space for the additional
	// data of one field at a time (not secret).
	buf := make([]byte, total+maxAD)
	scratch := buf[total:total]
	off := 0
	for i := range fields {
		n := prefixLen + vlen(i) + tagLen
		out[i] = buf[off : off+n : off+n]
		off += n
	}
	if err := v.nonceEach(out, headerLen, prefixLen); err != nil {
		clear(out)
		return fmt.Errorf("privacy: nonce: %w", err)
	}
	for i, f := range fields {
		ct := out[i]
		appendHeader(ct[:0], ck.primary)
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
	}
	clear(buf[total:])
	return nil
}

// nonceEach fills bs[i][lo:hi], a nonce, for every i, in order: like
// nonce for each, but taking the nonce buffer's lock once.
func (v *Vault) nonceEach(bs [][]byte, lo, hi int) error {
	if v.rand == nil {
		return v.nonces.readEach(bs, lo, hi)
	}
	for _, b := range bs {
		if err := v.random(b[lo:hi]); err != nil {
			return err
		}
	}
	return nil
}
