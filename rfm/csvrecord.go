package rfm

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// errBareQuote and errQuote mirror encoding/csv's parse errors.
var (
	errBareQuote  = errors.New(`bare " in non-quoted field`)
	errQuote      = errors.New(`extraneous or missing " in quoted field`)
	errFieldCount = errors.New("wrong number of fields")
)

// recordReader splits RFC 4180 CSV into records like encoding/csv (no lazy
// quotes, no comments, trailing \r trimmed), with a fast path for lines
// without quotes. Fields alias internal buffers until the next call.
type recordReader struct {
	r      *bufio.Reader
	line   int // line number of the last line read
	fields [][]byte
	buf    []byte
	want   int // fields per record once the header is read; 0 before
}

func newRecordReader(r io.Reader) *recordReader {
	return &recordReader{r: bufio.NewReaderSize(r, 1<<20)}
}

// readLine returns the next line without its terminator, or io.EOF.
func (rr *recordReader) readLine() ([]byte, error) {
	l, err := rr.r.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		rr.buf = append(rr.buf[:0], l...)
		for err == bufio.ErrBufferFull {
			l, err = rr.r.ReadSlice('\n')
			rr.buf = append(rr.buf, l...)
		}
		l = rr.buf
	}
	if len(l) == 0 && err != nil {
		return nil, err
	}
	if err != nil && err != io.EOF {
		return nil, err
	}
	rr.line++
	if n := len(l); n > 0 && l[n-1] == '\n' {
		l = l[:n-1]
	}
	if n := len(l); n > 0 && l[n-1] == '\r' {
		l = l[:n-1]
	}
	return l, nil
}

// read returns the next record and the line it starts on. Empty lines are
// skipped, as encoding/csv does. A malformed record returns an error and
// reading may continue with the next record.
func (rr *recordReader) read() ([][]byte, int, error) {
	for {
		l, err := rr.readLine()
		if err != nil {
			return nil, rr.line, err
		}
		if len(l) == 0 {
			continue
		}
		start := rr.line
		rr.fields = rr.fields[:0]
		if bytes.IndexByte(l, '"') < 0 {
			for {
				i := bytes.IndexByte(l, ',')
				if i < 0 {
					rr.fields = append(rr.fields, l)
					break
				}
				rr.fields = append(rr.fields, l[:i])
				l = l[i+1:]
			}
		} else if err := rr.quoted(l); err != nil {
			return nil, start, err
		}
		if rr.want == 0 {
			rr.want = len(rr.fields)
		} else if len(rr.fields) != rr.want {
			return rr.fields, start, errFieldCount
		}
		return rr.fields, start, nil
	}
}

// quoted parses a record containing quotes, reading more lines while a
// quoted field is open. Fields are copied into one buffer.
func (rr *recordReader) quoted(l []byte) error {
	var data []byte
	var ends []int
	own := append([]byte(nil), l...)
	l = own
	for {
		if len(l) == 0 || l[0] != '"' {
			i := bytes.IndexByte(l, ',')
			f := l
			if i >= 0 {
				f = l[:i]
			}
			if bytes.IndexByte(f, '"') >= 0 {
				return errBareQuote
			}
			data = append(data, f...)
			ends = append(ends, len(data))
			if i < 0 {
				break
			}
			l = l[i+1:]
			continue
		}
		l = l[1:]
		for {
			i := bytes.IndexByte(l, '"')
			if i < 0 {
				// Field continues on the next line.
				data = append(data, l...)
				data = append(data, '\n')
				next, err := rr.readLine()
				if err != nil {
					return errQuote
				}
				l = append([]byte(nil), next...)
				continue
			}
			data = append(data, l[:i]...)
			l = l[i+1:]
			if len(l) > 0 && l[0] == '"' {
				data = append(data, '"')
				l = l[1:]
				continue
			}
			break
		}
		ends = append(ends, len(data))
		if len(l) == 0 {
			break
		}
		if l[0] != ',' {
			return errQuote
		}
		l = l[1:]
		if len(l) == 0 {
			ends = append(ends, len(data)) // trailing empty field
			break
		}
	}
	prev := 0
	for _, e := range ends {
		rr.fields = append(rr.fields, data[prev:e:e])
		prev = e
	}
	return nil
}
