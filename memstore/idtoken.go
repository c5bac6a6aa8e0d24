package memstore

import "encoding/hex"

// A token row keeps its token inline, in the row, when it is short or is
// 32 lowercase hexadecimal digits (identity's default tokenizer: the hex
// of 16 bytes of SHA-256): a look-up compares it without reading the
// arena, and the arena holds no bytes for it. Other tokens are in the
// arena. The form depends on the token alone, so two tokens are equal
// exactly when their forms are.
type inlineTok struct {
	b [16]byte // the token's bytes (zero after n of them), or its 32 hex digits decoded
	n uint8    // 0: in the arena; 1-16: its length; hexTok: packed hex
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

// packHex decodes 32 lowercase hex digits into b; false (b undefined)
// when s has any other byte. Uppercase digits are refused: the packed
// form must give back the token exactly.
func packHex(b *[16]byte, s string) bool {
	bad := byte(0)
	for i := range b {
		hi, lo := hexVal[s[2*i]], hexVal[s[2*i+1]]
		bad |= hi | lo
		b[i] = hi<<4 | lo&0x0f
	}
	return bad&0x80 == 0
}

// hexVal maps a lowercase hex digit to its value, any other byte to 0x80.
var hexVal = func() (t [256]byte) {
	for i := range t {
		t[i] = 0x80
	}
	for i, c := range "0123456789abcdef" {
		t[c] = byte(i)
	}
	return t
}()

// tokenLen returns the length of token row i's token.
func (st *idState) tokenLen(i int32) int {
	r := st.tokens.row(i)
	switch r.in.n {
	case 0:
		return int(r.tok.n)
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
		return append(dst, st.arena.bytes(r.tok)...)
	case hexTok:
		return hex.AppendEncode(dst, r.in.b[:])
	}
	return append(dst, r.in.b[:r.in.n]...)
}
