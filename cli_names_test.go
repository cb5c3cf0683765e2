package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

// The cachedNames wrappers change nothing a user sees: every help page,
// the bash completion words and the flag errors are byte for byte the same
// with and without them, and flags still parse (durations in days, bools
// without a value, values after an =).
func TestCachedNamesSameHelp(t *testing.T) {
	lines := [][]string{{"--help"}, {"--generate-bash-completion"}, {"fixtures", "--help"}, {"fixtures", "write", "--help"},
		{"check", "--generate-bash-completion"}, {"compare", "--nope", "a", "b"}, {"check", "--format"},
		{"compare", "--window", "2d", "--no-color", "--format=json", "missing-a.pem", "missing-b.pem"},
		{"check", "--", "--generate-bash-completion"}, {"compare", "--w", "--generate-bash-completion"}, {"assemble", "-", "--generate-bash-completion"},
		{"assemble", "missing.cer", "-o", "out.pem"}, {"assemble", "-o", "out.pem", "missing.cer"}}
	for _, c := range strings.Fields("check compare probe mock explain assemble checklist completion rules fixtures") {
		lines = append(lines, []string{c, "--help"}, []string{c, "-h"})
	}
	defer func() { wrapFlagNames = true }()
	for _, args := range lines {
		wrapFlagNames = false
		plain := runCLI(t, args...)
		wrapFlagNames = true
		wrapped := runCLI(t, args...)
		if plain != wrapped {
			t.Errorf("%q differs with cached flag names:\n%+v\nwithout:\n%+v", args, wrapped, plain)
		}
		if args[len(args)-1] == "--help" && (plain.code != 0 || !strings.Contains(plain.stdout, "--")) {
			t.Errorf("%q: exit %d, no flags listed: the comparison is empty", args, plain.code)
		}
	}
}

// flagNames answers as cli.FlagNames does, names with commas, spaces and
// newlines included.
func TestFlagNamesAsCLI(t *testing.T) {
	for _, tc := range []struct {
		name    string
		aliases []string
	}{{"format", nil}, {"output", []string{"o"}}, {"a, b", nil}, {"x y", []string{"z"}}, {"n", []string{"p,q"}}, {"m\nn, o", nil}, {"", nil}, {"k", []string{""}}} {
		got, want := flagNames(tc.name, tc.aliases), cli.FlagNames(tc.name, tc.aliases)
		if !slices.Equal(got, want) {
			t.Errorf("flagNames(%q, %q) = %q, cli says %q", tc.name, tc.aliases, got, want)
		}
	}
}
