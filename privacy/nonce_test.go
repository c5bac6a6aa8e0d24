package privacy

import (
	"bytes"
	"fmt"
	"sync"
	"testing"
)

// TestNonceBuffer draws nonces from several goroutines across many refills:
// every nonce is distinct (a repeat among 2^96-bit values means reuse of
// the buffer) and the taken bytes are cleared from the buffer.
func TestNonceBuffer(t *testing.T) {
	for _, size := range []int{0, nonceRandBuffer} { // the key buffer, the nonce buffer
		t.Run(fmt.Sprint(size), func(t *testing.T) { testNonceBuffer(t, &nonceBuffer{size: size}) })
	}
}

func testNonceBuffer(t *testing.T, nb *nonceBuffer) {
	workers, per := 4, 1000 // about 31 refills of the default size
	if nb.size > 0 {
		per = 8 * nb.size / nonceLen / workers // 8 refills
	}
	var mu sync.Mutex
	seen := map[[nonceLen]byte]bool{}
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range per {
				var n [nonceLen]byte
				if err := nb.read(n[:]); err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				if seen[n] {
					t.Errorf("nonce %x given out twice", n)
				}
				seen[n] = true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(seen) != workers*per {
		t.Fatalf("%d distinct nonces, want %d", len(seen), workers*per)
	}
	var n [nonceLen]byte
	if err := nb.read(n[:]); err != nil {
		t.Fatal(err)
	}
	if nb.off == 0 || !bytes.Equal(nb.buf[:nb.off], make([]byte, nb.off)) {
		t.Fatal("bytes given out are still in the buffer")
	}
	// Reads of other sizes (a wrapped key's nonce is the same length; this
	// checks the refill when a read does not fit the rest).
	big := make([]byte, len(nb.buf)-5)
	if err := nb.read(big); err != nil || bytes.Equal(big, make([]byte, len(big))) {
		t.Fatalf("large read: %v", err)
	}
}

// TestSealNoncesDistinct: values sealed with the default (crypto/rand)
// source carry distinct nonces.
func TestSealNoncesDistinct(t *testing.T) {
	env := newTestEnv(t, nil)
	v, err := New(env.ks, env.km, nil) // no Rand: crypto/rand through the nonce buffer
	if err != nil {
		t.Fatal(err)
	}
	ad := testAD()
	seen := map[string]bool{}
	for range 500 {
		ct, err := v.Seal(t.Context(), ad, []byte("same plaintext"))
		if err != nil {
			t.Fatal(err)
		}
		n := string(ct[headerLen:prefixLen])
		if seen[n] {
			t.Fatal("a nonce was used twice")
		}
		seen[n] = true
		if pt, err := v.Open(t.Context(), ad, ct); err != nil || string(pt) != "same plaintext" {
			t.Fatalf("open: %v", err)
		}
	}
}

// TestDataKeysDistinct: with the default source, data keys come from
// their own buffer across several refills (48 keys per read): each
// customer's key differs (a value sealed for one opens for no other),
// and the key bytes given out are cleared from the buffer.
func TestDataKeysDistinct(t *testing.T) {
	env := newTestEnv(t, nil)
	v, err := New(env.ks, env.km, nil)
	if err != nil {
		t.Fatal(err)
	}
	const n = 150
	cts := make([][]byte, n)
	ad := testAD()
	for i := range n {
		ad.CustomerID = fmt.Sprintf("c-%d", i)
		if cts[i], err = v.Seal(t.Context(), ad, []byte("x")); err != nil {
			t.Fatal(err)
		}
	}
	for i := range n {
		// Customer i's value, presented as customer j's (same AD), opens
		// only if the two keys are equal.
		for _, j := range []int{(i + 1) % n, (i + 49) % n} {
			ad.CustomerID = fmt.Sprintf("c-%d", j)
			if _, err := v.Open(t.Context(), ad, cts[i]); err == nil {
				t.Fatalf("customers %d and %d share a data key", i, j)
			}
		}
	}
	if v.dekRand.off == 0 || !bytes.Equal(v.dekRand.buf[:v.dekRand.off], make([]byte, v.dekRand.off)) {
		t.Fatal("key bytes given out are still in the buffer")
	}
}
