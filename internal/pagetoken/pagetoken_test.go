package pagetoken

import (
	"errors"
	"testing"

	"github.com/google/uuid"
)

func TestRoundTrip(t *testing.T) {
	id := uuid.MustParse("0b6f1e8c-1b1f-4a57-9d3a-1c2b3d4e5f60")
	for _, desc := range []bool{false, true} {
		for _, ts := range []int64{0, 1, -5, 1 << 62} {
			gt, gid, err := Decode(Encode(ts, id, desc), desc)
			if err != nil || gt != ts || gid != id {
				t.Fatalf("round trip (%d, %t): %d %v %v", ts, desc, gt, gid, err)
			}
		}
	}
	if _, _, err := Decode(Encode(1, id, true), false); !errors.Is(err, ErrBad) {
		t.Fatal("a descending token was accepted for an ascending walk")
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(Encode(42, uuid.Nil, false))
	f.Add("")
	f.Add("!!!")
	f.Add("AQA00000000000000000000000000000001") // non-canonical base64 of a valid token
	f.Fuzz(func(t *testing.T, tok string) {
		ts, id, err := Decode(tok, false)
		if err == nil && Encode(ts, id, false) != tok {
			t.Fatalf("accepted a token that does not re-encode to itself")
		}
	})
}
