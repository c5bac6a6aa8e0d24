package memstore

import (
	"encoding/binary"
	"encoding/hex"
)

// A token row keeps its token inline, in the row, when it is short or is
// 32 lowercase hexadecimal digits (identity's default tokenizer: the hex
// of 16 bytes of SHA-256): a look-up compares it without reading the
// arena, and the arena holds no bytes for it. Other tokens are in the
// arena (the form holds its reference). The form depends on the token
// alone, so two tokens kept inline are equal exactly when their forms
// are.
type inlineTok struct {
	b [16]byte // the token's bytes (zero after n of them), its 32 hex digits decoded, or its arena reference
	n uint8    // 0: in the arena; 1-16: its length; hexTok: packed hex
}

// ref returns the arena reference of a token kept in the arena (n == 0).
func (t *inlineTok) ref() aref {
	le := binary.LittleEndian
	return aref{le.Uint32(t.b[0:]), le.Uint32(t.b[4:]), le.Uint32(t.b[8:])}
}

// setRef keeps r as the arena reference of a token kept in the arena.
func (t *inlineTok) setRef(r aref) {
	le := binary.LittleEndian
	le.PutUint32(t.b[0:], r.c)
	le.PutUint32(t.b[4:], r.off)
	le.PutUint32(t.b[8:], r.n)
	t.n = 0
}

// hexTok marks a packed token: 32 lowercase hex digits in 16 bytes.
const hexTok = 32

// inlineForm returns token's inline form (n == 0 when it has none).
func inlineForm(token string) inlineTok {
	var t inlineTok
	switch {
	case len(token) > 0 && len(token) <= len(t.b):
		copy(t.b[:], token)
		t.n = uint8(len(token))
	case len(token) == hexTok && packHex(&t.b, token):
		t.n = hexTok
	}
	return t
}

// packedForm returns token packed (n == hexTok) when it is 32 lowercase
// hex digits, else an empty form (n == 0).
func packedForm(token string) inlineTok {
	var t inlineTok
	if len(token) == hexTok && packHex(&t.b, token) {
		t.n = hexTok
	}
	return t
}

// packHex decodes 32 lowercase hex digits into b; false (b undefined)
// when s has any other byte. Uppercase digits are refused: the packed
// form must give back the token exactly. Eight digits are checked and
// decoded at a time, as the bytes of a uint64.
func packHex(b *[16]byte, s string) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	_ = s[31]
	for i := range 4 {
		x := uint64(s[8*i]) | uint64(s[8*i+1])<<8 | uint64(s[8*i+2])<<16 | uint64(s[8*i+3])<<24 |
			uint64(s[8*i+4])<<32 | uint64(s[8*i+5])<<40 | uint64(s[8*i+6])<<48 | uint64(s[8*i+7])<<56
		if x&highs != 0 {
			return false
		}
		// With every byte below 0x80, adding 0x80-lo sets a byte's high
		// bit when it is >= lo, adding 0x7f-hi when it is > hi, and no
		// sum carries into the next byte.
		digit := (x + 0x50*ones) &^ (x + 0x46*ones) & highs  // '0'-'9'
		letter := (x + 0x1f*ones) &^ (x + 0x19*ones) & highs // 'a'-'f'
		if digit|letter != highs {
			return false
		}
		v := x&(0x0f*ones) + (letter>>7)*9 // each byte's value, 0-15
		w := v<<4 | v>>8                   // byte 2k: digit 2k's value << 4 | digit 2k+1's
		b[4*i], b[4*i+1], b[4*i+2], b[4*i+3] = byte(w), byte(w>>16), byte(w>>32), byte(w>>48)
	}
	return true
}

// tokenLen returns the length of token row i's token.
func (st *idState) tokenLen(i int32) int {
	r := st.tokens.row(i)
	switch r.in.n {
	case 0:
		return int(r.in.ref().n)
	case hexTok:
		return hexTok
	}
	return int(r.in.n)
}

// appendToken appends token row i's token to dst.
func (st *idState) appendToken(dst []byte, i int32) []byte {
	r := st.tokens.row(i)
	switch r.in.n {
	case 0:
		return append(dst, st.arena.bytes(r.in.ref())...)
	case hexTok:
		return hex.AppendEncode(dst, r.in.b[:])
	}
	return append(dst, r.in.b[:r.in.n]...)
}
