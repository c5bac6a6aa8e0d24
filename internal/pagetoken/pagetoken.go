// Package pagetoken encodes keyset positions as opaque page tokens, shared
// by cimkit's storage adapters: a version byte, a direction byte, a time
// key (adapter-defined units) and an id.
package pagetoken

import (
	"encoding/base64"
	"encoding/binary"
	"errors"

	"github.com/google/uuid"
)

// ErrBad reports a token that was not produced by Encode for the same
// direction.
var ErrBad = errors.New("bad page token")

const version = 1

// Encode returns the token for the position (t, id) walked in the given
// direction.
func Encode(t int64, id uuid.UUID, desc bool) string {
	var b [26]byte
	b[0] = version
	if desc {
		b[1] = 1
	}
	binary.BigEndian.PutUint64(b[2:10], uint64(t))
	copy(b[10:], id[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// Decode returns the position in tok, or ErrBad.
func Decode(tok string, desc bool) (t int64, id uuid.UUID, err error) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || len(b) != 26 || b[0] != version || b[1] > 1 || (b[1] == 1) != desc {
		return 0, uuid.Nil, ErrBad
	}
	copy(id[:], b[10:])
	t = int64(binary.BigEndian.Uint64(b[2:10]))
	if Encode(t, id, desc) != tok { // a non-canonical spelling of a token
		return 0, uuid.Nil, ErrBad
	}
	return t, id, nil
}
