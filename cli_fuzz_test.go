package main

import (
	"strings"
	"testing"
	"time"
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
