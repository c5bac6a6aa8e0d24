package privacy

import "context"

// KeyManager is the host's root of trust: a cloud KMS, an HSM or HashiCorp
// Vault in production, [LocalKeyManager] for tests and the quickstart. It
// wraps (encrypts) and unwraps the tenant keys; cimkit never sees the
// KeyManager's own keys. Implementations must be safe for concurrent use.
type KeyManager interface {
	// Wrap encrypts plaintext (a 32-byte key) under the key named keyName,
	// binding associatedData, and returns the wrapped bytes. It must not
	// retain plaintext.
	Wrap(ctx context.Context, keyName string, plaintext, associatedData []byte) ([]byte, error)

	// Unwrap reverses Wrap. It returns an error if wrapped was altered or
	// associatedData or keyName differ from those given to Wrap.
	Unwrap(ctx context.Context, keyName string, wrapped, associatedData []byte) ([]byte, error)
}
