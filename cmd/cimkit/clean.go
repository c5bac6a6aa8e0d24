package main

import (
	"bufio"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/cimkit/cimkit/customer/clean"
)

const cleanSynopsis = "phone|email|name|gender|birthdate|idcard|address [-region CN] [-in FILE]\n" +
	"       cimkit clean record -map field=column,... [-in FILE.csv] [-region CN]"

// runClean cleans one raw value per input line, or whole CSV records.
func runClean(s stdio, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" {
		fmt.Fprintf(s.err, "Usage: cimkit clean %s\n\n", cleanSynopsis)
		fmt.Fprintln(s.err, "Values: one raw value per input line; CSV out with header raw,value,kind,flags,error.")
		fmt.Fprintln(s.err, "Records: a CSV file with a header row; see \"cimkit clean record -h\".")
		if len(args) == 0 {
			return fmt.Errorf("%w: missing what to clean", errUsage)
		}
		return flag.ErrHelp
	}
	kind, rest := args[0], args[1:]
	if kind == "record" {
		return runCleanRecord(s, rest)
	}
	switch kind {
	case "phone", "email", "name", "gender", "birthdate", "idcard", "address":
	default:
		return fmt.Errorf("%w: unknown field %q (want phone, email, name, gender, birthdate, idcard, address or record)", errUsage, kind)
	}
	fs := newFlagSet(s, "clean "+kind, "[-region CN] [-in FILE]")
	region := fs.String("region", "CN", "default region (ISO 3166-1 alpha-2) for phone numbers without a country code")
	in := fs.String("in", "", "read values from `FILE` instead of standard input")
	if err := parseFlags(fs, rest); err != nil {
		return err
	}
	c := clean.New(&clean.Options{Region: *region})
	r, closeIn, err := openInput(s, *in)
	if err != nil {
		return err
	}
	defer closeIn()
	w := csv.NewWriter(s.out)
	if err := w.Write([]string{"raw", "value", "kind", "flags", "error"}); err != nil {
		return err
	}
	br := bufio.NewReader(r)
	for n := 1; ; n++ {
		line, err := readLine(br)
		if errors.Is(err, errLineTooLong) {
			return fmt.Errorf("line %d: %w", n, err)
		}
		if line == "" && err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return err
		}
		raw := strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
		if err := w.Write(cleanValue(c, kind, raw)); err != nil {
			return err
		}
	}
	w.Flush()
	return w.Error()
}

// maxLineBytes bounds one input line; the cleaners reject values far
// shorter, this only keeps a runaway line from being read into memory.
const maxLineBytes = 1 << 20

var errLineTooLong = errors.New("line longer than 1 MiB")

// readLine returns the next line including its "\n", reading at most
// maxLineBytes.
func readLine(br *bufio.Reader) (string, error) {
	var buf []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if len(buf)+len(chunk) > maxLineBytes {
			return "", errLineTooLong
		}
		buf = append(buf, chunk...)
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		return string(buf), err
	}
}

// cleanValue returns the CSV row raw,value,kind,flags,error for one value.
func cleanValue(c *clean.Cleaner, kind, raw string) []string {
	var value, k string
	var flags clean.Flags
	var err error
	switch kind {
	case "phone":
		ps, perr := c.Phones(raw)
		var vals, kinds []string
		for _, p := range ps {
			flags |= p.Flags
			if p.OK() {
				vals = append(vals, p.Value())
				kinds = append(kinds, p.Kind.String())
			}
		}
		value, k = strings.Join(vals, "|"), strings.Join(kinds, "|")
		if len(vals) == 0 {
			err = perr
		}
	case "email":
		var r clean.EmailResult
		r, err = c.Email(raw)
		value, flags = r.Value, r.Flags
		if r.Suggestion != "" {
			k = "suggest:" + r.Suggestion
		}
	case "name":
		var r clean.NameResult
		r, err = c.Name(raw)
		value, flags = r.Value, r.Flags
	case "gender":
		var r clean.GenderResult
		r, err = c.Gender(raw)
		value, flags = r.Value.String(), r.Flags
		if err != nil {
			value = ""
		}
	case "birthdate":
		var r clean.BirthDateResult
		r, err = c.BirthDate(raw)
		value, flags = r.Value, r.Flags
	case "idcard":
		var r clean.IDCardResult
		r, err = c.IDCard(raw)
		value, flags = r.Value, r.Flags
		if err == nil {
			k = r.Gender.String()
		}
	case "address":
		var r clean.AddressResult
		r, err = c.Address(raw)
		value, flags, k = r.Value, r.Flags, r.Code
	}
	return []string{raw, value, k, flags.String(), errText(err)}
}

// errText returns "class: reason" for a clean error, free of the value.
func errText(err error) string {
	if err == nil {
		return ""
	}
	var fe *clean.FieldError
	if errors.As(err, &fe) && fe.Reason != "" {
		return clean.ErrorClass(err) + ": " + fe.Reason
	}
	return clean.ErrorClass(err)
}

func openInput(s stdio, path string) (io.Reader, func(), error) {
	if path == "" || path == "-" {
		return s.in, func() {}, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	return f, func() { f.Close() }, nil
}

func runCleanRecord(s stdio, args []string) error {
	fs := newFlagSet(s, "clean record", "-map field=column,... [-default field=value,...] [-in FILE.csv] [-region CN]\n\n"+
		"Reads a CSV file with a header row and writes, per record, the row number, then value,\n"+
		"flags and error for each mapped field, then quality (0-1) and accepted (true/false).\n"+
		"A record is accepted when it has a usable phone, email or resident ID. The batch\n"+
		"report (counts per field, error class and flag; rejected records with masked values)\n"+
		"goes to standard error.\n\n"+
		"-map syntax: comma-separated field=column pairs, field one of phone, email, name,\n"+
		"gender, birthdate, idcard, address; column is a header name of the input CSV.\n"+
		"Example: -map phone=mobile_col,name=name_col,email=mail")
	mapping := fs.String("map", "", "field=column pairs, e.g. `phone=mobile_col,name=name_col` (required)")
	defaults := fs.String("default", "", "raw values for blank or missing columns, e.g. `gender=未知`")
	region := fs.String("region", "CN", "default region (ISO 3166-1 alpha-2) for phone numbers without a country code")
	in := fs.String("in", "", "read the CSV from `FILE` instead of standard input")
	maxRej := fs.Int("max-rejections", clean.DefaultMaxRejections, "rejected records listed in the report")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *mapping == "" {
		return fmt.Errorf("%w: -map is required", errUsage)
	}
	m, err := clean.ParseMapping(*mapping)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if *defaults != "" {
		d, err := clean.ParseMapping(*defaults)
		if err != nil {
			return fmt.Errorf("%w: -default: %v", errUsage, err)
		}
		m.Defaults = d.Columns
	}
	r, closeIn, err := openInput(s, *in)
	if err != nil {
		return err
	}
	defer closeIn()
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return fmt.Errorf("reading header: %w", err)
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff")
	}
	have := map[string]bool{}
	for _, h := range header {
		have[h] = true
	}
	var fields []clean.Field
	outHeader := []string{"row"}
	for _, f := range clean.AllFields() {
		col, ok := m.Columns[f]
		if !ok {
			continue
		}
		if !have[col] {
			return fmt.Errorf("%w: column %q for %s is not in the header", errUsage, col, f)
		}
		fields = append(fields, f)
		outHeader = append(outHeader, string(f), string(f)+"_flags", string(f)+"_error")
	}
	outHeader = append(outHeader, "quality", "accepted")
	c := clean.New(&clean.Options{Region: *region})
	rep := clean.NewReport(*maxRej)
	w := csv.NewWriter(s.out)
	if err := w.Write(outHeader); err != nil {
		return err
	}
	rec := make(map[string]string, len(header))
	for row := 1; ; row++ {
		vals, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("reading record %d: %w", row, err)
		}
		clear(rec)
		for i, h := range header {
			if i < len(vals) {
				rec[h] = vals[i]
			}
		}
		res := c.Record(rec, m)
		ok := rep.Add(row, &res)
		out := []string{strconv.Itoa(row)}
		for _, fr := range res.Fields {
			out = append(out, fr.Value, fr.Flags.String(), errText(fr.Err))
		}
		out = append(out, strconv.FormatFloat(res.Quality, 'f', 3, 64), strconv.FormatBool(ok))
		if err := w.Write(out); err != nil {
			return err
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	return rep.WriteText(s.err)
}
