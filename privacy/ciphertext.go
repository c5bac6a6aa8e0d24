package privacy

import (
	"encoding/binary"
	"fmt"
)

// Ciphertext layout (all sealed field values):
//
//	offset size
//	0      1    format version (formatV1 = 1)
//	1      1    key kind (keyKindDEK = 1: customer data key, AES-256-GCM)
//	2      4    data key version, big endian, >= 1
//	6      12   random nonce
//	18     n+16 AES-256-GCM ciphertext and tag
//
// The first 6 bytes, followed by the encoded [AssociatedData], are the
// AEAD's additional data, so changing the format or key version, or moving
// the value to another field, record or customer, fails authentication.
const (
	formatV1     = 1
	keyKindDEK   = 1
	headerLen    = 6
	nonceLen     = 12
	tagLen       = 16
	prefixLen    = headerLen + nonceLen
	minSealedLen = prefixLen + tagLen
	// Overhead is the number of bytes a sealed value is longer than its
	// plaintext.
	Overhead = prefixLen + tagLen
)

// header is the parsed fixed prefix of a ciphertext.
type header struct {
	version uint32 // data key version
}

// parseHeader validates the fixed prefix. All failures are ErrDecrypt.
func parseHeader(ct []byte) (header, error) {
	if len(ct) < minSealedLen {
		return header{}, fmt.Errorf("%w: ciphertext too short", ErrDecrypt)
	}
	if ct[0] != formatV1 {
		return header{}, fmt.Errorf("%w: unknown format version", ErrDecrypt)
	}
	if ct[1] != keyKindDEK {
		return header{}, fmt.Errorf("%w: unknown key kind", ErrDecrypt)
	}
	v := binary.BigEndian.Uint32(ct[2:6])
	if v == 0 {
		return header{}, fmt.Errorf("%w: invalid key version", ErrDecrypt)
	}
	return header{version: v}, nil
}

// appendHeader appends the fixed 6-byte header for data key version v.
func appendHeader(dst []byte, v uint32) []byte {
	dst = append(dst, formatV1, keyKindDEK)
	return binary.BigEndian.AppendUint32(dst, v)
}
