package identity

import (
	"context"

	"github.com/cimkit/cimkit/privacy"
)

// BlindIndex adapts a privacy blind-index tokenizer to identity, so the
// identity store holds keyed HMAC tokens instead of identifier values:
//
//	v, _ := privacy.New(keyStore, keyManager, &privacy.Options{IndexBits: 128})
//	tz, _ := v.Tokenizer("shop")
//	r := identity.NewResolver(store, &identity.Options{Tokenizer: identity.BlindIndex(tz)})
//
// Identity links records on token equality, so different values must give
// different tokens: build the Vault with IndexBits of 128 or more (a
// collision is then as unlikely as an HMAC-SHA256 forgery). The short,
// deliberately colliding tokens that privacy recommends for look-up indexes
// (IndexBitsFor) would merge different people. Tokens name their index key
// version: after rotating the index key, records must be ingested again (or
// re-tokenised) before tokens of the new version match old ones.
func BlindIndex(tz *privacy.Tokenizer) Tokenizer { return blindIndex{tz} }

type blindIndex struct{ tz *privacy.Tokenizer }

func (b blindIndex) Token(ctx context.Context, kind Kind, canonical string) (string, error) {
	return b.tz.Token(ctx, string(kind), canonical)
}

// AppendToken implements TokenAppender.
func (b blindIndex) AppendToken(ctx context.Context, dst []byte, kind Kind, canonical string) ([]byte, error) {
	return b.tz.AppendToken(ctx, dst, string(kind), canonical)
}
