// Package privacy encrypts personal data field by field so the host's
// database never holds it in clear, while it can still be matched (blind
// indexes) and erased for good (crypto-shredding).
//
// The key hierarchy is envelope encryption:
//
//	host KeyManager (KMS, HSM, Vault; LocalKeyManager for tests)
//	  └─ tenant key-encryption keys (KEK), versioned, stored wrapped in the KeyStore
//	       └─ one data key (DEK) per customer, stored wrapped in the KeyStore
//	            └─ each field value, AES-256-GCM with a random 96-bit nonce
//	  └─ tenant blind-index keys, versioned: HMAC-SHA256 tokens for lookups
//
// The API is modelled on Tink: no raw key ever crosses it, associated data
// is mandatory, and every ciphertext names its key version in a compact
// header, so no trial decryption is needed.
//
// Smallest use:
//
//	km, _ := privacy.NewLocalKeyManager("keys.json") // made by "cimkit keys init"
//	v, _ := privacy.New(keyStore, km, nil)           // keyStore: e.g. memstore
//	ad := privacy.AssociatedData{Tenant: "shop", RecordKind: "customer",
//		RecordID: id, CustomerID: id, Field: "phone"}
//	ct, _ := v.Seal(ctx, ad, []byte("13812345678"))
//	pt, _ := v.Open(ctx, ad, ct)
//
// # How a service uses it
//
// A service seals each sensitive field before writing the record, with
// AssociatedData naming exactly where the value lives (tenant, record
// kind, record id, owning customer, field name), and opens it with the
// same AssociatedData on read. For each identifier that must be matchable
// (phone, email, device), it also stores a blind-index token from
// [Tokenizer.Token] computed on the canonical value; to look a value up,
// it queries the store for every token of [Tokenizer.Tokens] (one per
// readable index key version, so lookups work during rotation), then
// confirms each candidate with [Vault.Confirm] or [ConfirmCandidates],
// because tokens are truncated and collide on purpose. Example (Service)
// shows the whole pattern.
//
// Erasing a person is [Vault.Shred]: their data key is destroyed, so every
// value sealed for them, in every copy and backup of the host's database,
// is unrecoverable.
//
// Types such as [Phone] and [Email] print masked values in logs, JSON and
// fmt verbs; the plaintext is only available through Reveal.
package privacy
