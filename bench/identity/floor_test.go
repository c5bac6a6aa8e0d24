// Package identity_floor measures the floor under identity.BenchmarkResolve:
// only the hash-map work an in-memory identity store must do for 1,000,000
// new records (three 32-character tokens each, looked up, version-checked
// and indexed; one record id; one customer), with no cleaning, hashing of
// identifiers, resolution or copying. It tells how much of the 300,000
// records/s target is left for everything else. Run:
//
//	go test -run '^$' -bench . -benchtime 3x -cpu 1 ./bench/identity/
package identity_floor

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"testing"
)

type key struct{ kind, token string }

type list struct {
	version int64
	n       int32
	one     string
	more    []string
}

type record struct {
	id, channel string
	at          [3]int64
	customer    [16]byte
	blob        string
}

func token(kind string, i int) string {
	s := sha256.Sum256([]byte(kind + strconv.Itoa(i)))
	return hex.EncodeToString(s[:16])
}

func input(n int) ([]string, [][3]key) {
	ids := make([]string, n)
	keys := make([][3]key, n)
	for i := range ids {
		ids[i] = "app:" + strconv.Itoa(i)
		keys[i] = [3]key{{"phone", token("p", i)}, {"device", token("d", i)}, {"name", token("n", i)}}
	}
	return ids, keys
}

// BenchmarkMapFloor: per record, 3 token reads (the resolver's lookup), an
// absence check, 3 version checks and 3 list updates (the atomic write), a
// customer list and the record itself, into maps that start empty as a
// fresh store's do.
func BenchmarkMapFloor(b *testing.B) {
	const n = 1_000_000
	ids, keys := input(n)
	b.ReportAllocs()
	for b.Loop() {
		tokens := map[key]list{}
		records := map[string]record{}
		customers := map[[16]byte]list{}
		for i := range n {
			for _, k := range keys[i] {
				_ = tokens[k]
			}
			if _, ok := records[ids[i]]; ok {
				b.Fatal("record exists")
			}
			for _, k := range keys[i] {
				if tokens[k].version != 0 {
					b.Fatal("version")
				}
			}
			for _, k := range keys[i] {
				l := tokens[k]
				l.n, l.one, l.version = 1, ids[i], l.version+1
				tokens[k] = l
			}
			var c [16]byte
			c[0], c[1], c[2], c[3] = byte(i), byte(i>>8), byte(i>>16), 0xa5
			customers[c] = list{version: 1, n: 1, one: ids[i]}
			records[ids[i]] = record{id: ids[i], customer: c}
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
}
