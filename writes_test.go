package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fixtures write --force replaces files atomically: a link is replaced, not
// written through; a key left at 0644 comes back 0600; nothing is staged
// beside the lab afterwards.
func TestFixturesWriteNeverThroughLinks(t *testing.T) {
	root := t.TempDir()
	lab := filepath.Join(root, "lab")
	if res := runCLI(t, "fixtures", "write", lab); res.code != 0 {
		t.Fatalf("fixtures write: %d %s", res.code, res.stderr)
	}
	if ents, _ := os.ReadDir(root); len(ents) != 1 {
		t.Errorf("staging left behind: %v", ents)
	}
	victim := filepath.Join(root, "victim.txt")
	os.WriteFile(victim, []byte("precious"), 0o644)
	key := filepath.Join(lab, "good-pair", "source.key")
	os.Remove(key)
	if err := os.Symlink(victim, key); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(lab, "good-pair", "target.key")
	os.Chmod(other, 0o644)
	if res := runCLI(t, "fixtures", "write", "--force", lab); res.code != 0 {
		t.Fatalf("fixtures write --force: %d %s", res.code, res.stderr)
	}
	if b, _ := os.ReadFile(victim); string(b) != "precious" {
		t.Errorf("the link's target was written: %q", b)
	}
	for _, k := range []string{key, other} {
		st, err := os.Lstat(k)
		if err != nil || st.Mode()&os.ModeSymlink != 0 || st.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v, mode %v; want a regular file, 0600", k, err, st.Mode())
		}
	}
	// A scenario folder that is a link is refused.
	sub := filepath.Join(lab, "good-chain")
	os.RemoveAll(sub)
	os.Symlink(root, sub)
	if res := runCLI(t, "fixtures", "write", "--force", lab); res.code == 0 || !strings.Contains(res.stderr, "is a link") {
		t.Errorf("a linked scenario folder: exit %d, %s", res.code, res.stderr)
	}
}

// checklist does not overwrite checklist.md without --force, and says so
// before probing anything.
func TestChecklistNoOverwriteWithoutForce(t *testing.T) {
	dir := t.TempDir()
	writeLab(t, dir, "good-pair")
	inv := filepath.Join(dir, "inventory.yaml")
	os.WriteFile(inv, []byte("pairs:\n  - name: a\n    source: { chain: good-pair/source.pem, clock: 2026-11-23T09:00:00Z }\n    target: { chain: good-pair/target.pem, clock: 2026-11-23T09:00:00Z }\n"), 0o600)
	out := filepath.Join(dir, "out")
	os.Mkdir(out, 0o755)
	md := filepath.Join(out, "checklist.md")
	os.WriteFile(md, []byte("my notes"), 0o644)
	res := runCLI(t, "checklist", "--out", out, inv)
	if res.code != 2 || !strings.Contains(res.stderr, "checklist.md exists") {
		t.Errorf("exit %d, stderr %s; want 2 and the file named", res.code, res.stderr)
	}
	if b, _ := os.ReadFile(md); string(b) != "my notes" {
		t.Error("checklist.md was overwritten without --force")
	}
	if res := runCLI(t, "checklist", "--force", "--out", out, inv); res.code != 0 {
		t.Errorf("--force: exit %d %s", res.code, res.stderr)
	}
	if b, _ := os.ReadFile(md); !strings.Contains(string(b), "change-window checklist") {
		t.Error("--force did not replace checklist.md")
	}
}

// 100,000 bogus PEM blocks give a short, readable refusal, not a 450 KB line.
func TestBogusBlocksSummarised(t *testing.T) {
	f := filepath.Join(t.TempDir(), "bogus.pem")
	os.WriteFile(f, []byte(strings.Repeat("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", 100_000)), 0o600)
	res := runCLI(t, "check", f)
	if res.code != 1 || len(res.stdout)+len(res.stderr) > 10_000 || !strings.Contains(res.stdout, "more like them") {
		t.Errorf("exit %d, %d bytes of output:\n%.800s", res.code, len(res.stdout)+len(res.stderr), res.stdout)
	}
}
