package privacy

import "errors"

// Sentinel errors. Functions wrap them with the field or key that failed and
// the reason; error strings never contain key material, plaintext or the
// values of associated data.
var (
	// ErrDecrypt reports that a ciphertext could not be opened: it is
	// truncated, altered, has an unknown header or key, or was sealed with
	// different associated data. The reason is deliberately vague.
	ErrDecrypt = errors.New("privacy: decryption failed")

	// ErrShredded reports that the customer's data key was destroyed by
	// [Vault.Shred]. Open returns an error matching both ErrShredded and
	// ErrDecrypt; Seal for a shredded customer returns ErrShredded.
	ErrShredded = errors.New("privacy: data key destroyed")

	// ErrInvalid reports an invalid argument: empty associated data field,
	// bad option, malformed key file.
	ErrInvalid = errors.New("privacy: invalid argument")

	// ErrNotFound is returned by a KeyStore when a key does not exist.
	ErrNotFound = errors.New("privacy: not found")

	// ErrAlreadyExists is returned by a KeyStore when a key being created
	// already exists.
	ErrAlreadyExists = errors.New("privacy: already exists")

	// ErrConflict reports a state conflict: a compare-and-swap in the
	// KeyStore lost, or a rotation step was requested out of order (for
	// example retiring a key that still wraps data keys).
	ErrConflict = errors.New("privacy: conflict")

	// ErrKeyUnavailable reports that no usable key exists for the request:
	// the KeyManager refused to unwrap, or every key version is retired.
	ErrKeyUnavailable = errors.New("privacy: key unavailable")
)
