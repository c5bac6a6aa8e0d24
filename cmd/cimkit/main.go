// Command cimkit runs cimkit's capabilities over CSV and JSON files.
//
// Usage:
//
//	cimkit <command> [flags]
//
// Run "cimkit help" for the list of commands and "cimkit <command> -h" for
// the flags of one command.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
)

// stdio carries the streams a command reads and writes, so tests can run
// commands in-process.
type stdio struct {
	in  io.Reader
	out io.Writer
	err io.Writer
}

// command is one cimkit subcommand.
type command struct {
	name    string
	summary string
	run     func(s stdio, args []string) error
}

// commands lists every subcommand. Keep it sorted by name.
func commands() []command {
	cmds := []command{
		{"clean", "clean phone, email, name, gender, birth date, ID, address values or CSV records", runClean},
		{"clv", "fit BG/NBD and Gamma-Gamma; probability alive, expected purchases and lifetime value", runCLV},
		{"rfm", "score customers by recency, frequency and monetary value and segment them", runRFM},
		{"kmeans", "cluster customers by feature columns with k-means, or choose k", runKMeans},
		{"match", "probabilistic record linkage: deduplicate one CSV or link two", runMatch},
		{"keys", "create, rotate and inspect a local key file for field encryption", runKeys},
		{"privacy", "verify an exported audit log; print the record of processing", runPrivacy},
		{"resolve", "resolve CSV records into customers by phone, device, email and member id", runResolve},
		{"synth", "generate seeded synthetic customers, orders, events and ground truth", runSynth},
		{"tag", "evaluate tag rules over customers (-rules/-in/-out) or check a rule set (-check)", runTag},
	}
	sort.Slice(cmds, func(i, j int) bool { return cmds[i].name < cmds[j].name })
	return cmds
}

// errUsage marks an error caused by wrong arguments; main exits with 2.
var errUsage = errors.New("usage")

func main() {
	os.Exit(run(stdio{os.Stdin, os.Stdout, os.Stderr}, os.Args[1:]))
}

// run executes the command line args and returns the exit code.
func run(s stdio, args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		if len(args) > 1 {
			return run(s, []string{args[1], "-h"})
		}
		usage(s.out)
		return 0
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(s, args[1:])
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.Is(err, errUsage):
			fmt.Fprintf(s.err, "cimkit %s: %v\n", c.name, err)
			return 2
		default:
			fmt.Fprintf(s.err, "cimkit %s: %v\n", c.name, err)
			return 1
		}
	}
	fmt.Fprintf(s.err, "cimkit: unknown command %q; run \"cimkit help\"\n", args[0])
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "cimkit: customer data tools over CSV and JSON files")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage: cimkit <command> [flags]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run \"cimkit help <command>\" for the flags of one command.")
}

// newFlagSet returns a flag set that reports errors instead of exiting and
// prints its usage to s.err.
func newFlagSet(s stdio, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet("cimkit "+name, flag.ContinueOnError)
	fs.SetOutput(s.err)
	fs.Usage = func() {
		fmt.Fprintf(s.err, "Usage: cimkit %s %s\n\nFlags:\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args, wrapping any parse failure in errUsage.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	return nil
}
