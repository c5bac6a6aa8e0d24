package main

import (
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/cimkit/cimkit/privacy"
)

// runKeys manages a local key file for privacy.LocalKeyManager. It never
// prints key material.
func runKeys(s stdio, args []string) error {
	const synopsis = "init|rotate|status -file keys.json"
	fs := newFlagSet(s, "keys", synopsis)
	file := fs.String("file", "keys.json", "local key `file` (created with mode 0600)")
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		if err := parseFlags(fs, args); err != nil {
			return err
		}
		return fmt.Errorf("%w: missing subcommand (init, rotate or status)", errUsage)
	}
	sub := args[0]
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	var (
		st  privacy.KeyFileStatus
		err error
	)
	switch sub {
	case "init":
		st, err = privacy.InitKeyFile(*file, nil)
	case "rotate":
		st, err = privacy.RotateKeyFile(*file, nil)
	case "status":
		st, err = privacy.ReadKeyFileStatus(*file)
	default:
		return fmt.Errorf("%w: unknown subcommand %q (want init, rotate or status)", errUsage, sub)
	}
	if err != nil {
		return err
	}
	return printKeyStatus(s, st)
}

// printKeyStatus writes the file's primary version and a version table.
func printKeyStatus(s stdio, st privacy.KeyFileStatus) error {
	fmt.Fprintf(s.out, "file: %s\nprimary: %d\n", st.Path, st.Primary)
	tw := tabwriter.NewWriter(s.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "version\tstate\tcreated")
	for _, v := range st.Versions {
		fmt.Fprintf(tw, "%d\t%s\t%s\n", v.Version, v.State, v.Created.UTC().Format(time.RFC3339))
	}
	return tw.Flush()
}
