package storetest_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// runBroken runs the test helper (a Test function that runs a suite over a
// deliberately broken store when env is set) in a child process, fails t
// if the suite passed, and checks which subtests failed: every one in
// mustFail, none in mustPass. It returns the child's output.
func runBroken(t *testing.T, helper, env, what string, mustFail, mustPass []string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+helper+"$", "-test.v")
	cmd.Env = append(os.Environ(), env)
	b, err := cmd.CombinedOutput()
	out := string(b)
	if err == nil {
		t.Fatalf("the suite passed a store that %s", what)
	}
	for _, sub := range mustFail {
		if !strings.Contains(out, "--- FAIL: "+helper+"/"+sub+" ") {
			t.Errorf("subtest %s did not catch a store that %s", sub, what)
		}
	}
	for _, sub := range mustPass {
		if strings.Contains(out, "--- FAIL: "+helper+"/"+sub+" ") {
			t.Errorf("subtest %s failed a store whose only fault is that it %s", sub, what)
		}
	}
	if t.Failed() {
		t.Logf("child output:\n%s", out)
	}
	return out
}
