package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// completion runs a completion request; urfave/cli reads os.Args for it.
func completion(t *testing.T, args ...string) result {
	saved := os.Args
	os.Args = append([]string{"ome-preflight"}, args...)
	defer func() { os.Args = saved }()
	return runCLI(t, args...)
}

func TestCompletionAndMan(t *testing.T) {
	res := completion(t, "--generate-bash-completion")
	for _, c := range []string{"check", "compare", "probe", "checklist", "assemble", "explain", "rules", "fixtures", "mock"} {
		if !strings.Contains(res.stdout, c+"\n") {
			t.Errorf("completion lacks %q: %q", c, res.stdout)
		}
	}
	if r := completion(t, "check", "-", "--generate-bash-completion"); !strings.Contains(r.stdout, "--csr") {
		t.Errorf("flag completion: %q", r.stdout)
	}
	for _, sh := range []string{"bash", "zsh", "powershell"} {
		r := runCLI(t, "completion", sh)
		if r.code != 0 || !strings.Contains(r.stdout, "--generate-bash-completion") {
			t.Errorf("completion %s: code %d", sh, r.code)
		}
		if sh == "bash" {
			if _, err := exec.LookPath("bash"); err == nil {
				cmd := exec.Command("bash", "-n")
				cmd.Stdin = strings.NewReader(r.stdout)
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Errorf("bash -n: %v %s", err, out)
				}
			}
		}
	}
	if r := runCLI(t, "completion", "fish"); r.code != 2 {
		t.Errorf("completion fish: code %d", r.code)
	}
	r := runCLI(t, "man")
	if !strings.HasPrefix(r.stdout, ".nh\n.TH ome-preflight 1") || !strings.Contains(r.stdout, "checklist") {
		t.Errorf("man page: %.200q", r.stdout)
	}
}
