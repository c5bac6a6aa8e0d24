package audit

import "errors"

// Sentinel errors. Every error of this package wraps one of them; error
// strings name fields and never repeat values.
var (
	// ErrInvalid: an entry, checkpoint or hash failed validation.
	ErrInvalid = errors.New("invalid")
	// ErrConflict: the log grew since the writer last read its size.
	ErrConflict = errors.New("conflict")
	// ErrOutOfRange: an index or size beyond the log.
	ErrOutOfRange = errors.New("out of range")
	// ErrBadProof: an inclusion or consistency proof does not check out.
	ErrBadProof = errors.New("bad proof")
	// ErrBadSignature: a checkpoint's signature does not verify under the
	// trusted key (a forged or altered checkpoint).
	ErrBadSignature = errors.New("bad checkpoint signature")
	// ErrTampered: the stored entries do not hash to a signed root: an
	// entry was modified, deleted, inserted or reordered.
	ErrTampered = errors.New("audit log tampered")
	// ErrTruncated: the store holds fewer entries than a signed checkpoint
	// covers.
	ErrTruncated = errors.New("audit log truncated")
)
