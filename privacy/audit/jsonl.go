package audit

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
)

// MaxLineBytes bounds one line of a JSONL audit export.
const MaxLineBytes = 64 << 10

// WriteJSONL writes entries one per line: the export format that
// ReadJSONL and `cimkit privacy verify-audit` read. Encoded entries
// never contain a newline.
func WriteJSONL(w io.Writer, entries [][]byte) error {
	bw := bufio.NewWriter(w)
	for i, e := range entries {
		if bytes.ContainsAny(e, "\r\n") {
			return fmt.Errorf("audit: entry %d: %w: contains a line break", i, ErrInvalid)
		}
		bw.Write(e)
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// ReadJSONL reads entries written by WriteJSONL, one per line, exactly as
// stored (the bytes that were hashed). A final line without a newline is
// accepted; an empty line or a line over MaxLineBytes wraps ErrInvalid.
func ReadJSONL(r io.Reader) ([][]byte, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), MaxLineBytes)
	var out [][]byte
	for sc.Scan() {
		line := sc.Bytes()
		if len(line) == 0 {
			return nil, fmt.Errorf("audit: line %d: %w: empty", len(out)+1, ErrInvalid)
		}
		out = append(out, bytes.Clone(line))
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("audit: line %d: %w: %v", len(out)+1, ErrInvalid, err)
	}
	return out, nil
}
