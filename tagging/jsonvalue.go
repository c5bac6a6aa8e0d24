package tagging

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// maxJSONDepth bounds raw JSON nesting so hostile input cannot exhaust the
// stack; condition nesting is limited separately by MaxDepth.
const maxJSONDepth = 512

// jobject is a decoded JSON object that keeps key order and rejects
// duplicate keys.
type jobject struct {
	keys []string
	vals []any
}

func (o *jobject) get(k string) (any, bool) {
	for i, kk := range o.keys {
		if kk == k {
			return o.vals[i], true
		}
	}
	return nil, false
}

// decodeJSON decodes one JSON document into nil, bool, json.Number, string,
// []any or *jobject.
func decodeJSON(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := readJSON(dec, 0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("unexpected data after the JSON value")
	}
	return v, nil
}

func readJSON(dec *json.Decoder, depth int) (any, error) {
	if depth > maxJSONDepth {
		return nil, errors.New("JSON nested too deeply")
	}
	tok, err := dec.Token()
	if err != nil {
		if err == io.EOF {
			return nil, errors.New("unexpected end of JSON input")
		}
		return nil, jsonErr(err)
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return tok, nil
	}
	switch d {
	case '[':
		arr := []any{}
		for dec.More() {
			v, err := readJSON(dec, depth+1)
			if err != nil {
				return nil, err
			}
			arr = append(arr, v)
		}
		if _, err := dec.Token(); err != nil {
			return nil, jsonErr(err)
		}
		return arr, nil
	case '{':
		obj := &jobject{}
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return nil, jsonErr(err)
			}
			k, _ := kt.(string)
			if _, dup := obj.get(k); dup {
				return nil, fmt.Errorf("duplicate key %s", strconv.Quote(k))
			}
			v, err := readJSON(dec, depth+1)
			if err != nil {
				return nil, err
			}
			obj.keys = append(obj.keys, k)
			obj.vals = append(obj.vals, v)
		}
		if _, err := dec.Token(); err != nil {
			return nil, jsonErr(err)
		}
		return obj, nil
	}
	return nil, errors.New("malformed JSON")
}

// jsonErr reduces a decoder error to its position, dropping any echoed input.
func jsonErr(err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("malformed JSON at byte %d", se.Offset)
	}
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		return errors.New("unexpected end of JSON input")
	}
	return errors.New("malformed JSON")
}

// jsonKind names the JSON type of a decoded value for error messages.
func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case json.Number:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case *jobject:
		return "object"
	}
	return "unknown"
}

// appendJSONString appends s as a JSON string literal.
func appendJSONString(b []byte, s string) []byte {
	q, _ := json.Marshal(s)
	return append(b, q...)
}

// appendJSONNumber appends f in encoding/json's float format.
func appendJSONNumber(b []byte, f float64) []byte {
	q, _ := json.Marshal(f)
	return append(b, q...)
}
