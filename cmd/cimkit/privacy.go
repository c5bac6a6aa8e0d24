package main

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/cimkit/cimkit/privacy/access"
	"github.com/cimkit/cimkit/privacy/audit"
	"github.com/cimkit/cimkit/privacy/retention"
)

func runPrivacy(s stdio, args []string) error {
	sub := map[string]func(stdio, []string) error{
		"verify-audit": runVerifyAudit,
		"ropa":         runROPA,
		"export":       runPrivacyExport, // privacy_rights.go
		"erase":        runPrivacyErase,  // privacy_rights.go
	}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(s.err, "Usage: cimkit privacy verify-audit|ropa|export|erase [flags]")
		fmt.Fprintln(s.err, "  verify-audit  check an exported audit log against a signed checkpoint")
		fmt.Fprintln(s.err, "  ropa          print the record of processing generated from the policies")
		fmt.Fprintln(s.err, "  export        write everything a records CSV holds about one person as JSON")
		fmt.Fprintln(s.err, "  erase         remove one person from a records CSV, with a receipt and tombstones")
		if len(args) == 0 {
			return fmt.Errorf("%w: missing subcommand", errUsage)
		}
		return nil
	}
	f, ok := sub[args[0]]
	if !ok {
		return fmt.Errorf("%w: unknown privacy subcommand %q", errUsage, args[0])
	}
	return f(s, args[1:])
}

func runVerifyAudit(s stdio, args []string) error {
	fs := newFlagSet(s, "privacy verify-audit", "-in audit.jsonl -checkpoint cp.json -pubkey KEY [-origin NAME]")
	in := fs.String("in", "", "audit log export, one entry per line (required)")
	cpPath := fs.String("checkpoint", "", "signed checkpoint JSON (required)")
	pub := fs.String("pubkey", "", "ed25519 public key in hex or base64, or a file holding it (required)")
	origin := fs.String("origin", "", "require this log origin (default: the checkpoint's)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *in == "" || *cpPath == "" || *pub == "" {
		return fmt.Errorf("%w: -in, -checkpoint and -pubkey are required", errUsage)
	}
	key, err := parsePublicKey(*pub)
	if err != nil {
		return err
	}
	cpData, err := os.ReadFile(*cpPath)
	if err != nil {
		return err
	}
	cp, err := audit.ParseCheckpoint(cpData)
	if err != nil {
		return err
	}
	f, err := os.Open(*in)
	if err != nil {
		return err
	}
	defer f.Close()
	entries, err := audit.ReadJSONL(f)
	if err != nil {
		return err
	}
	v := audit.Verifier{Origin: cp.Origin, Key: key}
	if *origin != "" {
		v.Origin = *origin
	}
	if err := v.VerifyEntries(entries, cp); err != nil {
		return err
	}
	fmt.Fprintf(s.out, "ok\t%s\tentries=%d\tcheckpoint_size=%d\troot=%s\n", cp.Origin, len(entries), cp.Size, cp.Root)
	return nil
}

// parsePublicKey reads an ed25519 public key given as hex or base64, or as
// the name of a file that holds one.
func parsePublicKey(arg string) (ed25519.PublicKey, error) {
	try := func(s string) ed25519.PublicKey {
		s = strings.TrimSpace(s)
		if b, err := hex.DecodeString(s); err == nil && len(b) == ed25519.PublicKeySize {
			return b
		}
		if b, err := base64.StdEncoding.DecodeString(s); err == nil && len(b) == ed25519.PublicKeySize {
			return b
		}
		return nil
	}
	if k := try(arg); k != nil {
		return k, nil
	}
	data, err := os.ReadFile(arg)
	if err != nil {
		return nil, fmt.Errorf("%w: -pubkey is neither a 32-byte key in hex or base64 nor a readable file", errUsage)
	}
	if k := try(string(data)); k != nil {
		return k, nil
	}
	return nil, fmt.Errorf("%w: -pubkey file does not hold a 32-byte key in hex or base64", errUsage)
}

func runROPA(s stdio, args []string) error {
	fs := newFlagSet(s, "privacy ropa", "[-access policy.json] -retention retention.json [-format md|json]")
	accessPath := fs.String("access", "", "access policy JSON (default: the shipped example policy)")
	retPath := fs.String("retention", "", "retention policy JSON (required)")
	format := fs.String("format", "md", "output format: md or json")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *retPath == "" {
		return fmt.Errorf("%w: -retention is required", errUsage)
	}
	if *format != "md" && *format != "json" {
		return fmt.Errorf("%w: -format must be md or json", errUsage)
	}
	ap := access.ExamplePolicy()
	if *accessPath != "" {
		data, err := os.ReadFile(*accessPath)
		if err != nil {
			return err
		}
		if ap, err = access.ParsePolicy(data); err != nil {
			return err
		}
	}
	data, err := os.ReadFile(*retPath)
	if err != nil {
		return err
	}
	rp, err := retention.ParsePolicy(data)
	if err != nil {
		return err
	}
	rec := retention.RecordOfProcessing(ap, rp)
	if *format == "json" {
		enc := json.NewEncoder(s.out)
		enc.SetIndent("", "  ")
		return enc.Encode(rec)
	}
	return rec.WriteMarkdown(s.out)
}
