package audit

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Checkpoint is a signed statement that the log named Origin had Size
// entries with Merkle root Root. Whoever holds a checkpoint can later prove
// that the log was not rewritten below Size.
type Checkpoint struct {
	Origin    string `json:"origin"`
	Size      uint64 `json:"size"`
	Root      Hash   `json:"root"`
	Signature []byte `json:"signature"` // ed25519 over SignedBody(); base64 in JSON
}

const checkpointPrefix = "cimkit-audit-checkpoint/v1"

// SignedBody returns the bytes the signature covers: a version line, the
// origin, the size in decimal and the root in base64, one per line.
func (c Checkpoint) SignedBody() []byte {
	return fmt.Appendf(nil, "%s\n%s\n%s\n%s\n", checkpointPrefix, c.Origin,
		strconv.FormatUint(c.Size, 10), base64.StdEncoding.EncodeToString(c.Root[:]))
}

func checkOrigin(origin string) error {
	if origin == "" || len(origin) > MaxIDBytes || strings.ContainsAny(origin, "\n\r") {
		return fmt.Errorf("audit: origin: %w: empty, longer than %d bytes or multi-line", ErrInvalid, MaxIDBytes)
	}
	return nil
}

// Sign returns c signed with key.
func (c Checkpoint) Sign(key ed25519.PrivateKey) (Checkpoint, error) {
	if err := checkOrigin(c.Origin); err != nil {
		return Checkpoint{}, err
	}
	if len(key) != ed25519.PrivateKeySize {
		return Checkpoint{}, fmt.Errorf("audit: signing key: %w: wrong length", ErrInvalid)
	}
	c.Signature = ed25519.Sign(key, c.SignedBody())
	return c, nil
}

// ParseCheckpoint decodes a checkpoint from JSON. It does not verify the
// signature; Verifier does. Malformed input wraps ErrInvalid.
func ParseCheckpoint(data []byte) (Checkpoint, error) {
	var c Checkpoint
	if err := json.Unmarshal(data, &c); err != nil {
		return Checkpoint{}, fmt.Errorf("audit: checkpoint: %w: malformed JSON", ErrInvalid)
	}
	if err := checkOrigin(c.Origin); err != nil {
		return Checkpoint{}, err
	}
	if len(c.Signature) != ed25519.SignatureSize {
		return Checkpoint{}, fmt.Errorf("audit: checkpoint signature: %w: wrong length", ErrInvalid)
	}
	return c, nil
}
