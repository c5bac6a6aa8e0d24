package privacy

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"time"
)

// keyFileFormat identifies the local key file format.
const keyFileFormat = "cimkit-local-keys/v1"

// localWrapFormat is the first byte of values wrapped by LocalKeyManager.
const localWrapFormat = 1

// keyFile is the JSON shape of a local key file.
type keyFile struct {
	Format string         `json:"format"`
	Keys   []keyFileEntry `json:"keys"`
}

type keyFileEntry struct {
	Version  uint32    `json:"version"`
	State    string    `json:"state"` // "primary" or "active"
	Created  time.Time `json:"created"`
	Material []byte    `json:"material"` // 32 bytes, base64 in JSON
}

// KeyFileVersion describes one master key version of a local key file,
// without its material.
type KeyFileVersion struct {
	Version uint32
	State   KeyState
	Created time.Time
}

// KeyFileStatus describes a local key file without revealing key material.
type KeyFileStatus struct {
	Path     string
	Primary  uint32
	Versions []KeyFileVersion // increasing Version order
}

// KeyFileOptions configures InitKeyFile and RotateKeyFile. A nil
// *KeyFileOptions uses crypto/rand and time.Now.
type KeyFileOptions struct {
	Rand io.Reader
	Now  func() time.Time
}

func (o *KeyFileOptions) rand() io.Reader {
	if o == nil || o.Rand == nil {
		return rand.Reader
	}
	return o.Rand
}

func (o *KeyFileOptions) now() time.Time {
	if o == nil || o.Now == nil {
		return time.Now().UTC()
	}
	return o.Now().UTC()
}

// InitKeyFile creates a new local key file at path holding one fresh
// primary master key, readable only by the owner (mode 0600). It fails if
// the file exists.
func InitKeyFile(path string, opts *KeyFileOptions) (KeyFileStatus, error) {
	kf := keyFile{Format: keyFileFormat}
	if err := kf.addVersion(opts); err != nil {
		return KeyFileStatus{}, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return KeyFileStatus{}, fmt.Errorf("privacy: create key file: %w", err)
	}
	err = writeKeyFile(f, &kf)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path) // do not leave a partial key file behind
		return KeyFileStatus{}, fmt.Errorf("privacy: write key file: %w", err)
	}
	return kf.status(path), nil
}

// RotateKeyFile adds a fresh master key version to the key file at path and
// makes it primary; older versions stay active so values they wrapped still
// unwrap. The file is replaced atomically.
func RotateKeyFile(path string, opts *KeyFileOptions) (KeyFileStatus, error) {
	kf, err := readKeyFile(path)
	if err != nil {
		return KeyFileStatus{}, err
	}
	if err := kf.addVersion(opts); err != nil {
		return KeyFileStatus{}, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".keys-*.tmp")
	if err != nil {
		return KeyFileStatus{}, fmt.Errorf("privacy: rotate key file: %w", err)
	}
	defer os.Remove(tmp.Name())
	err = tmp.Chmod(0o600)
	if err == nil {
		err = writeKeyFile(tmp, &kf)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return KeyFileStatus{}, fmt.Errorf("privacy: rotate key file: %w", err)
	}
	return kf.status(path), nil
}

// ReadKeyFileStatus reads and validates the key file at path and describes
// it without revealing key material.
func ReadKeyFileStatus(path string) (KeyFileStatus, error) {
	kf, err := readKeyFile(path)
	if err != nil {
		return KeyFileStatus{}, err
	}
	return kf.status(path), nil
}

func (kf *keyFile) addVersion(opts *KeyFileOptions) error {
	var next uint32 = 1
	for i := range kf.Keys {
		if kf.Keys[i].Version >= next {
			next = kf.Keys[i].Version + 1
		}
		kf.Keys[i].State = "active"
	}
	m := make([]byte, 32)
	if _, err := io.ReadFull(opts.rand(), m); err != nil {
		return fmt.Errorf("privacy: generate master key: %w", err)
	}
	kf.Keys = append(kf.Keys, keyFileEntry{Version: next, State: "primary", Created: opts.now(), Material: m})
	return nil
}

func (kf *keyFile) status(path string) KeyFileStatus {
	st := KeyFileStatus{Path: path}
	for _, k := range kf.Keys {
		s := StateActive
		if k.State == "primary" {
			s = StatePrimary
			st.Primary = k.Version
		}
		st.Versions = append(st.Versions, KeyFileVersion{Version: k.Version, State: s, Created: k.Created})
	}
	sort.Slice(st.Versions, func(i, j int) bool { return st.Versions[i].Version < st.Versions[j].Version })
	return st
}

func writeKeyFile(w io.Writer, kf *keyFile) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(kf)
}

// readKeyFile reads and validates a key file. Errors name the problem,
// never the material.
func readKeyFile(path string) (keyFile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return keyFile{}, fmt.Errorf("privacy: read key file: %w", err)
	}
	return parseKeyFile(b)
}

func parseKeyFile(b []byte) (keyFile, error) {
	var kf keyFile
	if err := json.Unmarshal(b, &kf); err != nil {
		return keyFile{}, fmt.Errorf("%w: key file is not valid JSON", ErrInvalid)
	}
	if kf.Format != keyFileFormat {
		return keyFile{}, fmt.Errorf("%w: key file format is not %s", ErrInvalid, keyFileFormat)
	}
	if len(kf.Keys) == 0 {
		return keyFile{}, fmt.Errorf("%w: key file has no keys", ErrInvalid)
	}
	seen := map[uint32]bool{}
	primaries := 0
	for _, k := range kf.Keys {
		switch {
		case k.Version == 0:
			return keyFile{}, fmt.Errorf("%w: key file version 0", ErrInvalid)
		case seen[k.Version]:
			return keyFile{}, fmt.Errorf("%w: key file repeats version %d", ErrInvalid, k.Version)
		case len(k.Material) != 32:
			return keyFile{}, fmt.Errorf("%w: key file version %d material is not 32 bytes", ErrInvalid, k.Version)
		case k.State != "primary" && k.State != "active":
			return keyFile{}, fmt.Errorf("%w: key file version %d has unknown state", ErrInvalid, k.Version)
		}
		seen[k.Version] = true
		if k.State == "primary" {
			primaries++
		}
	}
	if primaries != 1 {
		return keyFile{}, fmt.Errorf("%w: key file must have exactly one primary version", ErrInvalid)
	}
	return kf, nil
}

// LocalKeyManager is a [KeyManager] backed by a local key file of master
// key versions (see [InitKeyFile]); for tests, development and the
// quickstart. It wraps with AES-256-GCM under the primary version; keyName
// is bound as associated data. The key material is loaded once and never
// printed. It is safe for concurrent use.
type LocalKeyManager struct {
	primary uint32
	aeads   map[uint32]cipher.AEAD
	rand    io.Reader
}

// NewLocalKeyManager loads the key file at path.
func NewLocalKeyManager(path string) (*LocalKeyManager, error) {
	kf, err := readKeyFile(path)
	if err != nil {
		return nil, err
	}
	defer func() {
		for _, k := range kf.Keys {
			clear(k.Material)
		}
	}()
	return newLocalKeyManager(kf)
}

func newLocalKeyManager(kf keyFile) (*LocalKeyManager, error) {
	m := &LocalKeyManager{aeads: make(map[uint32]cipher.AEAD, len(kf.Keys)), rand: rand.Reader}
	for _, k := range kf.Keys {
		a, err := newGCM(k.Material)
		if err != nil {
			return nil, err
		}
		m.aeads[k.Version] = a
		if k.State == "primary" {
			m.primary = k.Version
		}
	}
	return m, nil
}

// String describes the manager without key material.
func (m *LocalKeyManager) String() string {
	return fmt.Sprintf("privacy.LocalKeyManager{primary: %d, versions: %d}", m.primary, len(m.aeads))
}

// GoString is String, so %#v does not print key material.
func (m *LocalKeyManager) GoString() string { return m.String() }

func localWrapAD(keyName string, version uint32, ad []byte) []byte {
	b := appendLP([]byte("cimkit/localkm/v1"), keyName, string(ad))
	return binary.BigEndian.AppendUint32(b, version)
}

// Wrap encrypts plaintext under the primary master key version.
func (m *LocalKeyManager) Wrap(ctx context.Context, keyName string, plaintext, associatedData []byte) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := make([]byte, 5+nonceLen, 5+nonceLen+len(plaintext)+tagLen)
	out[0] = localWrapFormat
	binary.BigEndian.PutUint32(out[1:5], m.primary)
	if _, err := io.ReadFull(m.rand, out[5:]); err != nil {
		return nil, fmt.Errorf("privacy: local key manager nonce: %w", err)
	}
	return m.aeads[m.primary].Seal(out, out[5:], plaintext, localWrapAD(keyName, m.primary, associatedData)), nil
}

// Unwrap decrypts a value produced by Wrap with any version in the file.
func (m *LocalKeyManager) Unwrap(ctx context.Context, keyName string, wrapped, associatedData []byte) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(wrapped) < 5+nonceLen+tagLen || wrapped[0] != localWrapFormat {
		return nil, fmt.Errorf("%w: malformed wrapped key", ErrDecrypt)
	}
	v := binary.BigEndian.Uint32(wrapped[1:5])
	a, ok := m.aeads[v]
	if !ok {
		return nil, fmt.Errorf("%w: unknown master key version %d", ErrKeyUnavailable, v)
	}
	p, err := a.Open(nil, wrapped[5:5+nonceLen], wrapped[5+nonceLen:], localWrapAD(keyName, v, associatedData))
	if err != nil {
		return nil, fmt.Errorf("%w: wrapped key does not authenticate", ErrDecrypt)
	}
	return p, nil
}

// newGCM returns AES-256-GCM for a 32-byte key.
func newGCM(key []byte) (cipher.AEAD, error) {
	if len(key) != 32 {
		return nil, errors.New("privacy: key is not 32 bytes")
	}
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(b)
}
