package identity

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
)

// Tokenizer turns a canonical identifier value into an opaque token, the
// only form a Store ever sees. Equal (kind, canonical) pairs must give
// equal tokens and different pairs different tokens. Package privacy
// provides a keyed blind index for production; PlainTokenizer is for tests.
type Tokenizer interface {
	Token(ctx context.Context, kind Kind, canonical string) (string, error)
}

// PlainTokenizer is an unkeyed tokenizer: the hex of the first 16 bytes of
// SHA-256(kind, 0, value). It is NOT for production: anyone can recompute
// it from a guessed phone number, so it does not protect the identifiers.
// Use a keyed blind index (package privacy) in production.
type PlainTokenizer struct{}

// Token implements Tokenizer.
func (PlainTokenizer) Token(ctx context.Context, kind Kind, canonical string) (string, error) {
	var buf [160]byte
	b := append(buf[:0], kind...)
	b = append(b, 0)
	b = append(b, canonical...)
	sum := sha256.Sum256(b)
	var out [32]byte
	hex.Encode(out[:], sum[:16])
	return string(out[:]), nil
}
