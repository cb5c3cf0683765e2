package main

import (
	"strings"
	"testing"
	"time"

	"github.com/ome-preflight/ome-preflight/probe"
)

// FuzzDuration: no input panics the duration reader, and what it accepts
// is never negative.
func FuzzDuration(f *testing.F) {
	for _, s := range []string{"4h", "2d", "1w", "1d12h", "90m", "", "d", "-1d", "1.5d", "9999999999w"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if d, err := parseDuration(s); err == nil && d < 0 && !strings.Contains(s, "-") {
			t.Fatalf("%q -> %s", s, d)
		}
	})
}

// FuzzArgs: no argument list panics or hangs the CLI (flag reordering,
// parsing, usage errors); the exit code is always one of the contract's.
func FuzzArgs(f *testing.F) {
	f.Add("check --format json x.pem")
	f.Add("check x.pem --format")
	f.Add("compare a b --window 2d --format=json")
	f.Add("--log-level debug chekc -- --x")
	f.Add("fixtures writ")
	f.Fuzz(func(t *testing.T, line string) {
		args := strings.Fields(line)
		for _, a := range args {
			if a == "probe" || a == "mock" || a == "checklist" || a == "fixtures" || a == "assemble" || a == "explain" || a == "completion" {
				return // these touch the network, the disk or stdin
			}
		}
		var out, errb strings.Builder
		code := run(append([]string{"ome-preflight"}, args...), strings.NewReader(""), &out, &errb, func() time.Time { return testBase })
		if code < 0 || code > 3 {
			t.Fatalf("%q: exit %d", line, code)
		}
	})
}

// FuzzApplianceAddress: no input panics the address reader, and what it
// accepts is an address probe can split, with no scheme, path or user left.
func FuzzApplianceAddress(f *testing.F) {
	for _, s := range []string{"ome.example.com", "https://ome.example.com:443/ui/", "http://x", "https://[fd00::5]/", "https://a@b/", "://", "https://", "[::1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := applianceAddress(s)
		if err != nil {
			if len(hintsFor(err)) == 0 {
				t.Fatalf("%q: %v without a hint", s, err)
			}
			return
		}
		if _, _, err := probe.SplitAddress(a); err != nil || strings.ContainsAny(a, "/@?#") {
			t.Fatalf("%q -> %q (%v)", s, a, err)
		}
	})
}
