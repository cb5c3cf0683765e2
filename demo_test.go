package main

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// buildBinary builds ome-preflight into a temporary folder.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "ome-preflight")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = repoRoot()
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestDemo runs make demo's script: the mocks on ports the kernel picks,
// every command exiting as the lab promises, exit 0. With a mock that
// cannot bind, it stops with the mock's error and exit 1, and probes
// nothing; a command that exits otherwise than promised fails it too.
func TestDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	bin := buildBinary(t)
	script := filepath.Join(repoRoot(), "scripts", "demo.sh")
	runDemo := func(b string) (string, string, int) {
		cmd := exec.Command(script, b)
		var out, errb strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return out.String(), errb.String(), code
	}
	out, errs, code := runDemo(bin)
	if code != 0 || !strings.Contains(out, "PASS: these appliances should pair") || !strings.Contains(out, "every command exited as the lab promises") {
		t.Fatalf("demo: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	if strings.Contains(out, ":18443") || strings.Contains(out, ":18444") {
		t.Error("the demo used the tests' fixed ports")
	}

	// A mock that cannot bind: the demo stops, says why, probes nothing.
	wrap := func(body string) string {
		p := filepath.Join(t.TempDir(), "wrapped")
		if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body+"\nexec "+bin+" \"$@\"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		return p
	}
	busy := wrap(`if [ "$1" = mock ]; then echo "ome-preflight: error: mock: listen tcp 127.0.0.1:0: bind: address already in use" >&2; exit 2; fi`)
	out, errs, code = runDemo(busy)
	if code != 1 || !strings.Contains(errs, "the source mock did not start") || !strings.Contains(errs, "address already in use") || strings.Contains(out, "$ ome-preflight probe") {
		t.Errorf("demo with a mock that cannot bind: exit %d (want 1), stderr %q; probe run: %v", code, errs, strings.Contains(out, "$ ome-preflight probe"))
	}
	// A command exiting otherwise than the lab promises fails the demo.
	lying := wrap(`if [ "$1" = compare ]; then exit 0; fi`)
	if _, errs, code = runDemo(lying); code != 1 || !strings.Contains(errs, "exited 0, want 1") {
		t.Errorf("demo with a wrong exit code: exit %d (want 1), stderr %q", code, errs)
	}
}

// The mock on a port another process holds: a usage error naming the
// address, with the way out (--listen 127.0.0.1:0).
func TestMockBusyPort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	dir := t.TempDir()
	writeLab(t, dir, "good-pair")
	gp := filepath.Join(dir, "good-pair")
	res := runCLI(t, "mock", "--chain", filepath.Join(gp, "source.pem"), "--key", filepath.Join(gp, "source.key"), "--listen", ln.Addr().String())
	if res.code != 2 || !strings.Contains(res.stderr, ln.Addr().String()) || !strings.Contains(res.stderr, "--listen 127.0.0.1:0") {
		t.Errorf("exit %d, stderr %q; want 2 naming %s and --listen 127.0.0.1:0", res.code, res.stderr, ln.Addr())
	}
}
