package chain

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A file that appears after WriteAtomicFunc's first check, while the
// content is written, is kept without force and replaced with force.
func TestWriteAtomicNoReplaceFileCreatedMeanwhile(t *testing.T) {
	for _, force := range []bool{false, true} {
		dir := t.TempDir()
		path := filepath.Join(dir, "checklist.html")
		err := WriteAtomicFunc(path, force, 0o644, func(w io.Writer) error {
			// The first check has passed; the user saves a file now.
			if err := os.WriteFile(path, []byte("my notes"), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := io.WriteString(w, "new")
			return err
		})
		b, _ := os.ReadFile(path)
		if force {
			if err != nil || string(b) != "new" {
				t.Errorf("force: %v, file %q; want it replaced", err, b)
			}
		} else {
			if !errors.Is(err, ErrExists) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "give --force to replace it") {
				t.Errorf("err = %v; want ErrExists naming %s and --force", err, path)
			}
			if string(b) != "my notes" {
				t.Errorf("the file created meanwhile was replaced: %q", b)
			}
		}
		if ents, _ := os.ReadDir(dir); len(ents) != 1 {
			t.Errorf("force=%v: temporary files left: %v", force, ents)
		}
	}
}

// Each way of committing without replacing refuses an existing file and
// names it, and moves the file into place otherwise.
func TestCommitNoReplace(t *testing.T) {
	ways := map[string]func(tmp, path string) error{
		"platform": commitNoReplace, "link": linkNoReplace, "exclusive copy": copyExclusive,
	}
	for name, commit := range ways {
		dir := t.TempDir()
		tmp, path := filepath.Join(dir, ".out.tmp"), filepath.Join(dir, "out.pem")
		os.WriteFile(tmp, []byte("new"), 0o600)
		os.WriteFile(path, []byte("old"), 0o644)
		err := commit(tmp, path)
		if !errors.Is(err, ErrExists) || !strings.Contains(err.Error(), path+" exists; give --force to replace it") {
			t.Errorf("%s: err = %v", name, err)
		}
		if b, _ := os.ReadFile(path); string(b) != "old" {
			t.Errorf("%s: existing file replaced: %q", name, b)
		}
		// A dangling link is a file too: not followed, not replaced.
		os.Remove(path)
		victim := filepath.Join(dir, "victim")
		os.Symlink(victim, path)
		if err := commit(tmp, path); !errors.Is(err, ErrExists) {
			t.Errorf("%s: over a dangling link: %v", name, err)
		}
		if _, err := os.Lstat(victim); err == nil {
			t.Errorf("%s: wrote through a dangling link", name)
		}
		os.Remove(path)
		if err := commit(tmp, path); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		st, err := os.Stat(path)
		if b, _ := os.ReadFile(path); string(b) != "new" || err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("%s: %q, %v, %v; want the new content, mode 0600", name, b, st.Mode(), err)
		}
		if name != "exclusive copy" {
			if _, err := os.Lstat(tmp); err == nil {
				t.Errorf("%s: temporary file left", name)
			}
		}
	}
}
