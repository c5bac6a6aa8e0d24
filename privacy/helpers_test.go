package privacy

import (
	"io"
	"math/rand/v2"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// fakeClock is an injectable, advanceable clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// recordingReader is a seeded deterministic random source that records what
// it returned, so tests can recover generated keys as an oracle.
type recordingReader struct {
	mu  sync.Mutex
	r   io.Reader
	log []byte
}

func newRecordingReader(seed uint64) *recordingReader {
	var s [32]byte
	s[0] = byte(seed)
	s[1] = byte(seed >> 8)
	return &recordingReader{r: rand.NewChaCha8(s)}
}

func (r *recordingReader) Read(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	n, err := r.r.Read(p)
	r.log = append(r.log, p[:n]...)
	return n, err
}

func (r *recordingReader) bytes() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]byte{}, r.log...)
}

type testEnv struct {
	v     *Vault
	ks    *memKeyStore
	km    *LocalKeyManager
	clock *fakeClock
	rnd   *recordingReader
	path  string
}

// newTestEnv builds a Vault over the test double and a local key file.
func newTestEnv(t testing.TB, opts *Options) *testEnv {
	t.Helper()
	path := filepath.Join(t.TempDir(), "keys.json")
	clock := newFakeClock()
	if _, err := InitKeyFile(path, &KeyFileOptions{Rand: newRecordingReader(99), Now: clock.Now}); err != nil {
		t.Fatal(err)
	}
	km, err := NewLocalKeyManager(path)
	if err != nil {
		t.Fatal(err)
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	rnd := newRecordingReader(1)
	o.Rand, o.Now = rnd, clock.Now
	ks := newMemKeyStore()
	v, err := New(ks, km, &o)
	if err != nil {
		t.Fatal(err)
	}
	return &testEnv{v: v, ks: ks, km: km, clock: clock, rnd: rnd, path: path}
}

func testAD() AssociatedData {
	return AssociatedData{Tenant: "shop1", RecordKind: "customer", RecordID: "c-1", CustomerID: "c-1", Field: "phone"}
}
