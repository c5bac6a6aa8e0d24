package privacy

import (
	"cmp"
	"crypto/rand"
	"sync"
)

// nonceBuffer hands out random bytes from a block read from crypto/rand
// at once, rather than one read per value: a Vault has one for nonces
// (12 KiB, 1024 nonces per read: crypto/rand costs about 3.5 ns a byte in
// 1.5 KiB reads and 2.5 ns in 12 KiB ones) and a separate one for new data
// keys (1.5 KiB, 48 keys). Each byte is given out once only and cleared
// from the buffer as it is taken, so the buffer never holds a key in use
// or a past one. Tenant keys are read directly. Safe for concurrent use.
// The zero value uses defaultRandBuffer bytes.
type nonceBuffer struct {
	mu   sync.Mutex
	size int // bytes per read; 0 means defaultRandBuffer
	off  int
	buf  []byte // allocated on the first read
}

// Buffer sizes: multiples of nonceLen and of dataKeyLen.
const (
	defaultRandBuffer = 1536
	nonceRandBuffer   = 12288
)

// read fills b (at most len(buf) bytes) with fresh random bytes.
func (n *nonceBuffer) read(b []byte) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.readLocked(b)
}

// readEach fills bs[i][lo:hi] for every i (each at most len(buf) bytes),
// under one lock.
func (n *nonceBuffer) readEach(bs [][]byte, lo, hi int) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, b := range bs {
		if err := n.readLocked(b[lo:hi]); err != nil {
			return err
		}
	}
	return nil
}

// readLocked is read with n.mu held.
func (n *nonceBuffer) readLocked(b []byte) error {
	if n.buf == nil {
		n.buf = make([]byte, cmp.Or(n.size, defaultRandBuffer))
	}
	if n.off == 0 || n.off+len(b) > len(n.buf) {
		if _, err := rand.Read(n.buf); err != nil {
			return err
		}
		n.off = 0
	}
	m := copy(b, n.buf[n.off:])
	clear(n.buf[n.off : n.off+m])
	n.off += m
	if n.off == len(n.buf) {
		n.off = 0 // refill on the next read
	}
	return nil
}
