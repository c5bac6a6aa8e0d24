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

// TokenAppender is optionally implemented by a Tokenizer that can append a
// token to a buffer instead of returning a new string: Prepare then keeps
// all of a record's tokens in one allocation. The appended bytes must equal
// what Token returns.
type TokenAppender interface {
	AppendToken(ctx context.Context, dst []byte, kind Kind, canonical string) ([]byte, error)
}

// PlainTokenizer is an unkeyed tokenizer: the hex of the first 16 bytes of
// SHA-256(kind, 0, value). It is NOT for production: anyone can recompute
// it from a guessed phone number, so it does not protect the identifiers.
// Use a keyed blind index (package privacy) in production.
type PlainTokenizer struct{}

// Token implements Tokenizer.
func (p PlainTokenizer) Token(ctx context.Context, kind Kind, canonical string) (string, error) {
	var buf [32]byte
	b, _ := p.AppendToken(ctx, buf[:0], kind, canonical)
	return string(b), nil
}

// AppendToken implements TokenAppender.
func (PlainTokenizer) AppendToken(_ context.Context, dst []byte, kind Kind, canonical string) ([]byte, error) {
	return appendPlainToken(dst, kind, canonical), nil
}

// appendPlainToken appends PlainTokenizer's token for (kind, canonical).
func appendPlainToken[T string | []byte](dst []byte, kind Kind, canonical T) []byte {
	var buf [160]byte
	b := append(buf[:0], kind...)
	b = append(b, 0)
	b = append(b, canonical...)
	sum := sha256.Sum256(b)
	return hex.AppendEncode(dst, sum[:16])
}
