package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ome-preflight/ome-preflight/chain"
	"github.com/ome-preflight/ome-preflight/fixtures"
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

// fixtures write --force refuses a link anywhere below the lab folder, not
// only at a scenario folder: readme/ca-certs (a nested folder) replaced by a
// link is named, and nothing is written inside the link's target.
func TestFixturesWriteRefusesNestedLink(t *testing.T) {
	root := t.TempDir()
	lab := filepath.Join(root, "lab")
	if res := runCLI(t, "fixtures", "write", lab); res.code != 0 {
		t.Fatalf("fixtures write: %d %s", res.code, res.stderr)
	}
	victim := filepath.Join(root, "elsewhere")
	os.Mkdir(victim, 0o755)
	for _, f := range []string{"root.pem", "inter.pem"} {
		os.WriteFile(filepath.Join(victim, f), []byte("precious"), 0o644)
	}
	nested := filepath.Join(lab, "readme", "ca-certs")
	if err := os.RemoveAll(nested); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(victim, nested); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(filepath.Join(lab, "good-pair", "source.pem"))
	res := runCLI(t, "fixtures", "write", "--force", lab)
	if res.code == 0 || !strings.Contains(res.stderr, nested+" is a link") || !strings.Contains(res.stderr, "remove it or choose a new folder") {
		t.Errorf("exit %d, stderr %s; want a refusal naming %s", res.code, res.stderr, nested)
	}
	for _, f := range []string{"root.pem", "inter.pem"} {
		if b, _ := os.ReadFile(filepath.Join(victim, f)); string(b) != "precious" {
			t.Errorf("%s inside the link's target was replaced: %.40q", f, b)
		}
	}
	// Refused before anything is written.
	if after, _ := os.ReadFile(filepath.Join(lab, "good-pair", "source.pem")); string(after) != string(before) {
		t.Error("files were rewritten before the link was refused")
	}
	// A file where a folder belongs is refused too, by name.
	os.Remove(nested)
	os.WriteFile(nested, []byte("x"), 0o644)
	if res := runCLI(t, "fixtures", "write", "--force", lab); res.code == 0 || !strings.Contains(res.stderr, nested+" is not a folder") {
		t.Errorf("a file at %s: exit %d, %s", nested, res.code, res.stderr)
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

// createMeanwhile makes name appear (with "my notes") after the writer's
// no-clobber check and before its commit, as a user saving a file then.
func createMeanwhile(t *testing.T, name string) {
	t.Helper()
	chain.BeforeCommit = func(path string) {
		if filepath.Base(path) == name {
			if err := os.WriteFile(path, []byte("my notes"), 0o644); err != nil {
				t.Error(err)
			}
		}
	}
	t.Cleanup(func() { chain.BeforeCommit = nil })
}

// Without --force, a checklist.html created while checklist writes its
// documents is kept and named, not replaced.
func TestChecklistWritesKeepFileCreatedMeanwhile(t *testing.T) {
	dir := t.TempDir()
	writeLab(t, dir, "good-pair")
	inv := filepath.Join(dir, "inventory.yaml")
	os.WriteFile(inv, []byte("pairs:\n  - name: a\n    source: { chain: good-pair/source.pem, clock: 2026-11-23T09:00:00Z }\n    target: { chain: good-pair/target.pem, clock: 2026-11-23T09:00:00Z }\n"), 0o600)
	out := filepath.Join(dir, "out")
	html := filepath.Join(out, "checklist.html")
	createMeanwhile(t, "checklist.html")
	res := runCLI(t, "checklist", "--out", out, inv)
	if res.code == 0 || !strings.Contains(res.stderr, html+" exists; give --force to replace it") {
		t.Errorf("exit %d, stderr %s; want a failure naming %s and --force", res.code, res.stderr, html)
	}
	if b, _ := os.ReadFile(html); string(b) != "my notes" {
		t.Errorf("checklist.html created meanwhile was replaced: %.60q", b)
	}
	os.Remove(html)
	os.Remove(filepath.Join(out, "checklist.md"))
	if res := runCLI(t, "checklist", "--force", "--out", out, inv); res.code != 0 {
		t.Errorf("--force: exit %d %s", res.code, res.stderr)
	}
	if b, _ := os.ReadFile(html); !strings.Contains(string(b), "<html") {
		t.Errorf("--force did not replace checklist.html: %.60q", b)
	}
}

// Without --force, an -o file created while assemble writes it is kept and
// named, not replaced.
func TestAssembleWritesKeepFileCreatedMeanwhile(t *testing.T) {
	p := fixtures.MustBuild(testBase, fixtures.Spec{ID: "root", CN: "Root-CA", CA: true}, fixtures.Spec{ID: "leaf", CN: "OMENT-310", Issuer: "root"})
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.pem"), filepath.Join(dir, "chain.pem")
	os.WriteFile(in, fixtures.PEM(p.Chain("leaf", "root")...), 0o600)
	createMeanwhile(t, "chain.pem")
	res := runCLI(t, "assemble", "-o", out, in)
	if res.code != 2 || !strings.Contains(res.stderr, out+" exists; give --force to replace it") {
		t.Errorf("exit %d, stderr %s; want 2 naming %s and --force", res.code, res.stderr, out)
	}
	if b, _ := os.ReadFile(out); string(b) != "my notes" {
		t.Errorf("the -o file created meanwhile was replaced: %.60q", b)
	}
	if res := runCLI(t, "assemble", "--force", "-o", out, in); res.code != 0 {
		t.Errorf("--force: exit %d %s", res.code, res.stderr)
	}
	if b, _ := os.ReadFile(out); !strings.Contains(string(b), "BEGIN CERTIFICATE") {
		t.Errorf("--force did not replace the -o file: %.60q", b)
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
