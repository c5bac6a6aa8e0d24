package privacy

// NewTestKeyStore exposes the in-package KeyStore double to the external
// test package, which runs the KeyStore conformance checks against it.
func NewTestKeyStore() KeyStore { return newMemKeyStore() }
