package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Anchors, aliases and merge keys are refused, naming the inventory file and
// the line, whether or not the inventory would otherwise be valid.
func TestInventoryRefusesAliases(t *testing.T) {
	dir := t.TempDir()
	writeLab(t, dir, "good-pair")
	inv := filepath.Join(dir, "inventory.yaml")
	cases := []struct{ name, yaml, want string }{
		{"anchor and alias",
			"pairs:\n  - name: a\n    source: &src {chain: good-pair/source.pem}\n    target: *src\n",
			"line 3: an anchor (&src) is refused"},
		{"anchor on an extra key",
			"x-sides: &t {chain: good-pair/target.pem}\npairs:\n  - name: a\n    source: {chain: good-pair/source.pem}\n    target: *t\n",
			"line 1: an anchor (&t) is refused"},
		{"merge key",
			"pairs:\n  - name: a\n    source: {chain: good-pair/source.pem}\n    target:\n      <<: {chain: good-pair/target.pem}\n      clock: 2026-11-23T09:00:00Z\n",
			"line 5: a merge key (<<) is refused"},
		{"merge key with an alias",
			"pairs:\n  - name: a\n    source: &s {chain: good-pair/source.pem}\n    target:\n      <<: *s\n",
			"line 3: an anchor (&s) is refused"},
		{"anchored scalar", "pairs:\n  - name: &n a\n    source: {chain: good-pair/source.pem}\n    target: {chain: good-pair/target.pem}\n",
			"line 2: an anchor (&n) is refused"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			os.WriteFile(inv, []byte(tc.yaml), 0o600)
			_, err := LoadInventory(inv)
			if err == nil || !strings.Contains(err.Error(), inv+": "+tc.want) || !strings.Contains(err.Error(), "an alias hides what a pair really checks") {
				t.Errorf("err = %v; want %q naming %s", err, tc.want, inv)
			}
			out := filepath.Join(t.TempDir(), "out")
			res := runCLI(t, "checklist", "--out", out, inv)
			if res.code != 2 || !strings.Contains(res.stderr, tc.want) {
				t.Errorf("checklist: exit %d, stderr %s", res.code, res.stderr)
			}
			if _, err := os.Stat(filepath.Join(out, "checklist.md")); err == nil {
				t.Error("checklist wrote its documents for a refused inventory")
			}
		})
	}
	// The same inventory written out in full loads.
	os.WriteFile(inv, []byte("pairs:\n  - name: a\n    source: {chain: good-pair/source.pem}\n    target: {chain: good-pair/source.pem, clock: 2026-11-23T09:00:00Z}\n"), 0o600)
	if _, err := LoadInventory(inv); err != nil {
		t.Errorf("a plain inventory: %v", err)
	}
}
