package main

import "errors"

func runSynth(s stdio, args []string) error {
	fs := newFlagSet(s, "synth", "-customers N -orders M -seed S -out DIR")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	return errors.New("not implemented yet")
}
