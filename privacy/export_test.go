package privacy

// NewTestKeyStore exposes the in-package KeyStore double to the external
// test package, which holds it to storetest.RunKeys.
func NewTestKeyStore() KeyStore { return newMemKeyStore() }
