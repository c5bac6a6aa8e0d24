package privacy

import (
	"crypto/rand"
	"sync"
)

// nonceBuffer hands out random bytes from a block read from crypto/rand
// at once, rather than one read per value: a Vault has one for nonces and
// a separate one for new data keys (1536 bytes hold 128 nonces or 48
// keys). Each byte is given out once only and cleared from the buffer as
// it is taken, so the buffer never holds a key in use or a past one.
// Tenant keys are read directly. Safe for concurrent use.
type nonceBuffer struct {
	mu  sync.Mutex
	off int
	buf [1536]byte // a multiple of nonceLen: 128 nonces per read
}

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
	if n.off == 0 || n.off+len(b) > len(n.buf) {
		if _, err := rand.Read(n.buf[:]); err != nil {
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
