package chain_test

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ome-preflight/ome-preflight/chain"
	"github.com/ome-preflight/ome-preflight/fixtures"
)

func input(t *testing.T, name string, data []byte) *chain.Input {
	t.Helper()
	in, err := chain.Parse(name, data, chain.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return in
}

// Assemble builds leaf -> intermediates -> root from the files given and
// says, file by file, what it changed.
func TestAssembleChanges(t *testing.T) {
	p := pki(t)
	leaf, inter, root, other := p.Certs["leaf"].Cert, p.Certs["inter"].Cert, p.Certs["root"].Cert, p.Certs["other"].Cert
	cases := []struct {
		name    string
		ins     func(t *testing.T) []*chain.Input
		leaf    *x509.Certificate
		changes []string
	}{
		{"one PEM in order", func(t *testing.T) []*chain.Input {
			return []*chain.Input{input(t, "a.pem", fixtures.PEM(leaf, inter, root))}
		}, nil, nil},
		{"one PEM reversed", func(t *testing.T) []*chain.Input {
			return []*chain.Input{input(t, "a.pem", fixtures.PEM(root, inter, leaf))}
		}, nil, []string{"reordered to OMENT-310 -> Inter-CA1 -> Root-CA"}},
		{"one PEM reversed with an unrelated certificate", func(t *testing.T) []*chain.Input {
			return []*chain.Input{input(t, "a.pem", fixtures.PEM(root, inter, leaf, other))}
		}, nil, []string{`dropped 1 certificate not on the chain: ["Other-CA"]`}},
		{"duplicates", func(t *testing.T) []*chain.Input {
			return []*chain.Input{input(t, "a.pem", fixtures.PEM(leaf, inter, inter, root, root))}
		}, nil, []string{"dropped 2 duplicate certificates"}},
		{"one duplicate", func(t *testing.T) []*chain.Input {
			return []*chain.Input{input(t, "a.pem", fixtures.PEM(leaf, leaf, inter, root))}
		}, nil, []string{"dropped 1 duplicate certificate"}},
		{"three files", func(t *testing.T) []*chain.Input {
			return []*chain.Input{
				input(t, "leaf.der", leaf.Raw),
				input(t, "inter.p7b", fixtures.PKCS7([]*x509.Certificate{inter})),
				input(t, "root.pem", bytes.ReplaceAll(fixtures.PEM(root), []byte("\n"), []byte("\r\n"))),
				input(t, "other.pem", fixtures.PEM(other)),
			}
		}, nil, []string{
			"converted leaf.der from DER to Base64 PEM",
			"extracted the certificates of the PKCS#7 bundle inter.p7b",
			"root.pem, as read: CRLF line endings; written as plain Base64 PEM",
			`added the root "Root-CA" from root.pem`,
			`added the intermediate "Inter-CA1" (position 1) from inter.p7b`,
			`dropped 1 certificate not on the chain: ["Other-CA"]`,
		}},
		{"PKCS#12, UTF-16 and bare Base64", func(t *testing.T) []*chain.Input {
			return []*chain.Input{
				input(t, "leaf.pfx", fixtures.PFX(p.Certs["leaf"].Key, []*x509.Certificate{leaf}, "")),
				input(t, "inter.txt", fixtures.UTF16(fixtures.PEM(inter), false, true)),
				input(t, "root.b64", []byte(strings.TrimSpace(string(fixtures.PEM(root)[len("-----BEGIN CERTIFICATE-----\n"):len(fixtures.PEM(root))-len("-----END CERTIFICATE-----\n")])))),
			}
		}, nil, []string{
			"extracted the certificates of the PKCS#12 file leaf.pfx (its private key was left out)",
			"leaf.pfx, as read: a private key is in the file (not shown); written as plain Base64 PEM",
			"re-encoded inter.txt from UTF-16 to ASCII",
			"inter.txt, as read: UTF-16LE with BOM; written as plain Base64 PEM",
			"re-encoded root.b64 (unknown) as Base64 PEM",
			"root.b64, as read: Base64 without -----BEGIN/END----- lines; written as plain Base64 PEM",
			`added the root "Root-CA" from root.b64`,
			`added the intermediate "Inter-CA1" (position 1) from inter.txt`,
		}},
		{"the leaf given apart", func(t *testing.T) []*chain.Input {
			return []*chain.Input{input(t, "ca.pem", fixtures.PEM(root, inter))}
		}, leaf, nil},
		{"the leaf given, first in the files", func(t *testing.T) []*chain.Input {
			return []*chain.Input{input(t, "a.pem", fixtures.PEM(leaf, inter, root))}
		}, leaf, nil},
		{"the leaf given, in the files", func(t *testing.T) []*chain.Input {
			return []*chain.Input{input(t, "a.pem", fixtures.PEM(inter, leaf, root))}
		}, leaf, []string{"reordered to OMENT-310 -> Inter-CA1 -> Root-CA"}},
		{"an intermediate chosen as the leaf", func(t *testing.T) []*chain.Input {
			return []*chain.Input{input(t, "a.pem", fixtures.PEM(leaf, inter, root))}
		}, inter, []string{`dropped 1 certificate not on the chain: ["OMENT-310"]`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a, err := chain.Assemble(tc.ins(t), tc.leaf)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.changes, a.Changes); diff != "" {
				t.Errorf("changes (-want +got):\n%s", diff)
			}
			want := []*x509.Certificate{leaf, inter, root}
			if tc.leaf != nil && tc.leaf.Equal(inter) {
				want = want[1:]
			}
			if !bytes.Equal(a.PEM, fixtures.PEM(want...)) || len(a.Chain) != len(want) {
				t.Errorf("PEM is not the chain in order:\n%s", a.PEM)
			}
			for k, s := range a.Chain {
				if !s.Cert.Equal(want[k]) {
					t.Errorf("chain[%d] = %s", k, chain.Name(s.Cert))
				}
			}
		})
	}
}

// More than ten unrelated certificates are counted, not all named.
func TestAssembleManyDropped(t *testing.T) {
	specs := []fixtures.Spec{{ID: "root", CN: "Root-CA", CA: true, KeyType: fixtures.ECDSAP256}, {ID: "leaf", CN: "leaf", Issuer: "root", KeyType: fixtures.ECDSAP256}}
	for i := 0; i < 12; i++ {
		specs = append(specs, fixtures.Spec{ID: fmt.Sprint("x", i), CN: fmt.Sprintf("X%02d", i), CA: true, KeyType: fixtures.ECDSAP256})
	}
	p := fixtures.MustBuild(base, specs...)
	for _, tc := range []struct {
		n    int
		want string
	}{
		{10, `dropped 10 certificates not on the chain: ["X00" "X01" "X02" "X03" "X04" "X05" "X06" "X07" "X08" "X09"]`},
		{11, `dropped 11 certificates not on the chain: ["X00" "X01" "X02" "X03" "X04" "X05" "X06" "X07" "X08" "X09"] and 1 more`},
		{12, `dropped 12 certificates not on the chain: ["X00" "X01" "X02" "X03" "X04" "X05" "X06" "X07" "X08" "X09"] and 2 more`},
	} {
		certs := p.Chain("leaf", "root")
		for i := tc.n - 1; i >= 0; i-- {
			certs = append(certs, p.Certs[fmt.Sprint("x", i)].Cert)
		}
		a, err := chain.Assemble([]*chain.Input{input(t, "a.pem", fixtures.PEM(certs...))}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(a.Changes) != 1 || a.Changes[0] != tc.want {
			t.Errorf("%d unrelated: %q", tc.n, a.Changes)
		}
	}
}

// Assemble fails, naming the certificate, when an issuer is missing or a
// link is broken, and when there is nothing to assemble.
func TestAssembleErrors(t *testing.T) {
	p := pki(t)
	forged := fixtures.MustBuild(base, fixtures.Spec{ID: "root", CN: "Inter-CA1", CA: true})
	leaf, inter := p.Certs["leaf"].Cert, p.Certs["inter"].Cert
	cases := []struct {
		name  string
		certs []*x509.Certificate
		want  string
		chain int
	}{
		{"no root", []*x509.Certificate{leaf, inter}, `no complete chain: the issuer of "Inter-CA1", "CN=Root-CA,O=Example Corp", is not among the files given; add its certificate (and any CA above it)`, 2},
		{"leaf alone", []*x509.Certificate{leaf}, `no complete chain: the issuer of "OMENT-310", "CN=Inter-CA1,O=Example Corp", is not among the files given`, 1},
		{"broken link", []*x509.Certificate{leaf, forged.Certs["root"].Cert}, `no complete chain: "OMENT-310" names "Inter-CA1" as issuer, but that certificate's key did not sign it (a CA renewed with a new key?)`, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a, err := chain.Assemble([]*chain.Input{{File: "a.pem", Encoding: chain.EncPEM, Certs: tc.certs}}, nil)
			if !errors.Is(err, chain.ErrIncomplete) || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
			if a == nil || len(a.Chain) != tc.chain || !a.Chain[0].Cert.Equal(leaf) {
				t.Errorf("partial chain %+v, want %d certificates from the leaf", a, tc.chain)
			}
		})
	}
	if _, err := chain.Assemble(nil, nil); !errors.Is(err, chain.ErrNoCertificates) {
		t.Errorf("no input: %v", err)
	}
	if _, err := chain.Assemble([]*chain.Input{{File: "empty"}}, nil); !errors.Is(err, chain.ErrNoCertificates) {
		t.Errorf("an input without certificates: %v", err)
	}
}

// ReadAll reads files, and the regular files directly inside folders;
// what in a folder is no certificate is skipped and said.
func TestReadAll(t *testing.T) {
	p := pki(t)
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		t.Helper()
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	leafPath := write("leaf.pem", fixtures.PEM(p.Certs["leaf"].Cert))
	write("cas/inter.pem", fixtures.PEM(p.Certs["inter"].Cert))
	write("cas/root.der", p.Certs["root"].Cert.Raw)
	write("cas/notes.txt", []byte("not a certificate\n"))
	write("cas/sub/other.pem", fixtures.PEM(p.Certs["other"].Cert))
	if err := os.Symlink(leafPath, filepath.Join(dir, "cas", "link.pem")); err != nil {
		t.Fatal(err)
	}
	ins, skipped, err := chain.ReadAll([]string{leafPath, filepath.Join(dir, "cas")}, chain.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, in := range ins {
		got = append(got, filepath.Base(in.File)+":"+chain.Name(in.Certs[0]))
	}
	if want := []string{"leaf.pem:OMENT-310", "inter.pem:Inter-CA1", "root.der:Root-CA"}; !cmp.Equal(got, want) {
		t.Errorf("read %q, want %q", got, want)
	}
	if len(skipped) != 1 || !strings.HasPrefix(skipped[0].Error(), filepath.Join(dir, "cas", "notes.txt")+": ") {
		t.Errorf("skipped %q", skipped)
	}
	if _, _, err := chain.ReadAll([]string{filepath.Join(dir, "cas", "notes.txt")}, chain.Options{}); !errors.Is(err, chain.ErrUnknownFormat) {
		t.Errorf("a file given by name that is no certificate: %v", err)
	}
	if _, _, err := chain.ReadAll([]string{filepath.Join(dir, "missing")}, chain.Options{}); !errors.Is(err, chain.ErrUnreadable) || !strings.Contains(err.Error(), "missing") {
		t.Errorf("a missing path: %v", err)
	}
	if os.Getuid() != 0 {
		locked := filepath.Join(dir, "locked")
		if err := os.Mkdir(locked, 0o000); err != nil {
			t.Fatal(err)
		}
		if _, _, err := chain.ReadAll([]string{locked}, chain.Options{}); !errors.Is(err, chain.ErrUnreadable) {
			t.Errorf("an unreadable folder: %v", err)
		}
	}
}

// WriteFileAtomic writes the whole file or nothing, refuses to replace
// without force, gives the mode asked for, and leaves no temporary file.
func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "chain.pem")
	if err := chain.WriteFileAtomic(path, []byte("one"), false); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != "one" {
		t.Errorf("written %q, %v", b, err)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", st.Mode().Perm())
	}
	if err := chain.WriteFileAtomic(path, []byte("two"), false); !errors.Is(err, chain.ErrExists) {
		t.Errorf("without force over an existing file: %v", err)
	}
	if err := chain.WriteFileAtomicMode(path, []byte("three"), true, 0o600); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "three" {
		t.Errorf("with force: %q", b)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", st.Mode().Perm())
	}
	failed := errors.New("disk full")
	fresh := filepath.Join(dir, "report.json")
	if err := chain.WriteAtomicFunc(fresh, false, 0o644, func(w io.Writer) error { io.WriteString(w, "half"); return failed }); !errors.Is(err, failed) {
		t.Errorf("a failed write: %v", err)
	}
	if _, err := os.Lstat(fresh); err == nil {
		t.Error("a failed write left a file")
	}
	var seen string
	chain.BeforeCommit = func(p string) { seen = p }
	defer func() { chain.BeforeCommit = nil }()
	if err := chain.WriteAtomicFunc(fresh, false, 0o640, func(w io.Writer) error { _, err := io.WriteString(w, "whole"); return err }); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(fresh); string(b) != "whole" || seen != fresh {
		t.Errorf("%q, hook saw %q", b, seen)
	}
	if err := chain.WriteFileAtomic(filepath.Join(dir, "no", "such", "folder"), nil, true); err == nil {
		t.Error("written into a missing folder")
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 2 {
		t.Errorf("files left: %v", ents)
	}
}

// Served makes an upload file of what an appliance served: leaf first,
// root last when served, nothing added; what differs from the order served
// is said, and a chain without its root is ErrIncomplete with the file
// still made.
func TestServed(t *testing.T) {
	p := pki(t)
	leaf, inter, root, other := p.Certs["leaf"].Cert, p.Certs["inter"].Cert, p.Certs["root"].Cert, p.Certs["other"].Cert
	cases := []struct {
		name       string
		served     []*x509.Certificate
		want       []*x509.Certificate
		changes    []string
		incomplete bool
	}{
		{"in order", []*x509.Certificate{leaf, inter, root}, []*x509.Certificate{leaf, inter, root}, nil, false},
		{"root before the intermediate", []*x509.Certificate{leaf, root, inter}, []*x509.Certificate{leaf, inter, root},
			[]string{"reordered to OMENT-310 -> Inter-CA1 -> Root-CA (served as OMENT-310 -> Root-CA -> Inter-CA1)"}, false},
		{"a duplicate and a stranger", []*x509.Certificate{leaf, inter, inter, other, root}, []*x509.Certificate{leaf, inter, root},
			[]string{"dropped 1 duplicate certificate", "dropped 1 certificate not on the chain: [\"Other-CA\"]"}, false},
		{"no root served", []*x509.Certificate{leaf, inter}, []*x509.Certificate{leaf, inter}, nil, true},
		{"the leaf alone", []*x509.Certificate{leaf}, []*x509.Certificate{leaf}, nil, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a, err := chain.Served(tc.served)
			if tc.incomplete != errors.Is(err, chain.ErrIncomplete) {
				t.Errorf("error %v, want incomplete %v", err, tc.incomplete)
			}
			var got []*x509.Certificate
			for _, s := range a.Chain {
				got = append(got, s.Cert)
			}
			if diff := cmp.Diff(certNames(tc.want), certNames(got)); diff != "" {
				t.Errorf("chain (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.changes, a.Changes); diff != "" {
				t.Errorf("changes (-want +got):\n%s", diff)
			}
			back := input(t, "saved.pem", a.PEM)
			if back.Encoding != chain.EncPEM || len(back.Certs) != len(tc.want) || len(back.Notes) != 0 {
				t.Errorf("the file reads back as %s, %d certificates, notes %v", back.Encoding, len(back.Certs), back.Notes)
			}
		})
	}
	if _, err := chain.Served(nil); !errors.Is(err, chain.ErrNoCertificates) {
		t.Errorf("nothing served: %v", err)
	}
}

func certNames(cs []*x509.Certificate) []string {
	var out []string
	for _, c := range cs {
		out = append(out, chain.Name(c))
	}
	return out
}
