package chain

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

// Source is one certificate and the file it came from.
type Source struct {
	Cert  *x509.Certificate
	Input *Input
}

// Assembly is a chain built for OME from whatever files were given.
type Assembly struct {
	Chain   []Source // leaf first, root last
	Changes []string // what was changed and why, for people
	PEM     []byte   // Base64 PEM, LF, no preamble
}

// ErrIncomplete is returned when no path reaches a self-signed root.
var ErrIncomplete = fmt.Errorf("no complete chain")

// ReadAll reads files and the certificate files directly inside folders.
// Files in a folder that hold no certificate are skipped and reported.
func ReadAll(paths []string, opts Options) ([]*Input, []error, error) {
	var ins []*Input
	var skipped []error
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, nil, &ParseError{File: p, Err: fmt.Errorf("%w: %w", ErrUnreadable, err)}
		}
		if !st.IsDir() {
			in, err := ReadFile(p, opts)
			if err != nil {
				return nil, nil, err
			}
			ins = append(ins, in)
			continue
		}
		entries, err := os.ReadDir(p)
		if err != nil {
			return nil, nil, &ParseError{File: p, Err: fmt.Errorf("%w: %w", ErrUnreadable, err)}
		}
		for _, e := range entries {
			if e.IsDir() || !e.Type().IsRegular() {
				continue
			}
			f := filepath.Join(p, e.Name())
			in, err := ReadFile(f, opts)
			if err != nil {
				skipped = append(skipped, err)
				continue
			}
			ins = append(ins, in)
		}
	}
	return ins, skipped, nil
}

// Assemble builds leaf -> intermediates -> root from every certificate in
// ins. leaf picks the leaf (nil: the end-entity certificate that issues
// nothing else here). It fails with ErrIncomplete naming the missing issuer.
func Assemble(ins []*Input, leaf *x509.Certificate) (*Assembly, error) {
	var pool []Source
	for _, in := range ins {
		for _, c := range in.Certs {
			pool = append(pool, Source{c, in})
		}
	}
	if len(pool) == 0 {
		return nil, ErrNoCertificates
	}
	certs := make([]*x509.Certificate, len(pool))
	for i, s := range pool {
		certs[i] = s.Cert
	}
	li := -1
	if leaf != nil {
		for i, c := range certs {
			if bytes.Equal(c.Raw, leaf.Raw) {
				li = i
				break
			}
		}
		if li < 0 {
			certs = append(certs, leaf)
			pool = append(pool, Source{Cert: leaf})
			li = len(certs) - 1
		}
	}
	p := BuildPathFrom(certs, li)
	a := &Assembly{}
	for _, i := range p.Order {
		a.Chain = append(a.Chain, pool[i])
	}
	if len(p.BrokenLinks) > 0 {
		l := p.BrokenLinks[0]
		return a, fmt.Errorf("%w: \"%s\" names \"%s\" as issuer, but that certificate's key did not sign it (a CA renewed with a new key?)",
			ErrIncomplete, Name(certs[l.Child]), Name(certs[l.Parent]))
	}
	if !p.Root {
		last := certs[p.Order[len(p.Order)-1]]
		for _, in := range ins {
			for _, u := range in.Unparsed {
				if bytes.Equal(u.RawSubject, last.RawIssuer) {
					return a, fmt.Errorf("%w: the issuer of \"%s\", \"%s\", is block %d of %s, which crypto/x509 cannot parse (%v), so it cannot be written; OpenSSL and Java read it (inferred): join the files by hand, or have it reissued without the malformed extension",
						ErrIncomplete, Name(last), u.Name(), u.Block, in.File, u.Err)
				}
			}
		}
		return a, fmt.Errorf("%w: the issuer of \"%s\", \"%s\", is not among the files given; add its certificate (and any CA above it)",
			ErrIncomplete, Name(last), last.Issuer.String())
	}
	// What changed, file by file.
	seen := map[*Input]bool{}
	for _, s := range a.Chain {
		if s.Input == nil || seen[s.Input] {
			continue
		}
		seen[s.Input] = true
		switch s.Input.Encoding {
		case EncPEM:
		case EncDER:
			a.Changes = append(a.Changes, fmt.Sprintf("converted %s from DER to Base64 PEM", s.Input.File))
		case EncPKCS7DER, EncPKCS7PEM:
			a.Changes = append(a.Changes, fmt.Sprintf("extracted the certificates of the PKCS#7 bundle %s", s.Input.File))
		case EncPKCS12:
			a.Changes = append(a.Changes, fmt.Sprintf("extracted the certificates of the PKCS#12 file %s (its private key was left out)", s.Input.File))
		case EncUTF16PEM:
			a.Changes = append(a.Changes, fmt.Sprintf("re-encoded %s from UTF-16 to ASCII", s.Input.File))
		default:
			a.Changes = append(a.Changes, fmt.Sprintf("re-encoded %s (%s) as Base64 PEM", s.Input.File, s.Input.Encoding))
		}
		if len(s.Input.Notes) > 0 {
			// The notes say what the file held ("indented PEM lines", "PKCS#12
			// opened with a password"); the output has none of their quirks.
			a.Changes = append(a.Changes, fmt.Sprintf("%s, as read: %s; written as plain Base64 PEM", s.Input.File, strings.Join(s.Input.Notes, "; ")))
		}
	}
	leafIn := a.Chain[0].Input
	if leafIn != nil && len(ins) == 1 && !p.FileOrder && len(p.Unrelated) == 0 {
		a.Changes = append(a.Changes, "reordered to "+Describe(certs, p.Order))
	}
	root := a.Chain[len(a.Chain)-1]
	if leafIn != nil && root.Input != leafIn {
		a.Changes = append(a.Changes, fmt.Sprintf("added the root \"%s\" from %s", Name(root.Cert), root.Input.File))
	}
	for k, s := range a.Chain[1 : len(a.Chain)-1] {
		if leafIn != nil && s.Input != leafIn {
			a.Changes = append(a.Changes, fmt.Sprintf("added the intermediate \"%s\" (position %d) from %s", Name(s.Cert), k+1, s.Input.File))
		}
	}
	a.Changes = append(a.Changes, droppedOff(certs, p)...)
	a.PEM = a.encode()
	return a, nil
}

// droppedOff says which certificates the path leaves out: duplicates,
// and certificates on no path from the leaf.
func droppedOff(certs []*x509.Certificate, p Path) []string {
	var out []string
	if n := len(p.Duplicates); n > 0 {
		out = append(out, fmt.Sprintf("dropped %d duplicate certificate%s", n, plural(n)))
	}
	var dropped []string
	for _, i := range p.Unrelated {
		dropped = append(dropped, fmt.Sprintf("\"%s\"", Name(certs[i])))
	}
	sort.Strings(dropped)
	if len(dropped) > 0 {
		out = append(out, fmt.Sprintf("dropped %d certificate%s not on the chain: %s", len(dropped), plural(len(dropped)), joinMax(dropped, 10)))
	}
	return out
}

// encode is the chain as Base64 PEM, leaf first.
func (a *Assembly) encode() []byte {
	var out []byte
	for _, s := range a.Chain {
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.Cert.Raw})...)
	}
	return out
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func joinMax(s []string, n int) string {
	if len(s) <= n {
		return fmt.Sprint(s)
	}
	return fmt.Sprintf("%v and %d more", s[:n], len(s)-n)
}

// WriteFileAtomic writes data to path through a temporary file in the same
// folder and a rename, so that a reader never sees half a file. It refuses
// to replace an existing file unless force.
func WriteFileAtomic(path string, data []byte, force bool) error {
	return WriteFileAtomicMode(path, data, force, 0o644)
}

// WriteFileAtomicMode is WriteFileAtomic with the file's mode (0600 for
// keys): the new file gets it whatever the old one had, and a link at path
// is replaced, never written through.
func WriteFileAtomicMode(path string, data []byte, force bool, mode os.FileMode) error {
	return WriteAtomicFunc(path, force, mode, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// WriteAtomicFunc is WriteFileAtomicMode for content written as it is
// produced (a large report is never held whole in memory).
//
// Without force the final step cannot replace a file: a file created at
// path after the first check (while the content is written) is kept and
// reported, never replaced (see commitNoReplace).
func WriteAtomicFunc(path string, force bool, mode os.FileMode, write func(io.Writer) error) error {
	if _, err := os.Lstat(path); err == nil && !force {
		return existsError(path)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if BeforeCommit != nil {
		BeforeCommit(path)
	}
	if force {
		return os.Rename(tmp.Name(), path)
	}
	return commitNoReplace(tmp.Name(), path)
}

// BeforeCommit is called, when set, with the destination after the
// temporary file is complete and before it is moved into place. Tests set it
// to create the file in between; the program leaves it nil.
var BeforeCommit func(path string)

// ErrExists is the error of a write without force to a file that exists.
var ErrExists = errors.New("exists")

func existsError(path string) error {
	return fmt.Errorf("%s %w; give --force to replace it", path, ErrExists)
}

// linkNoReplace moves tmp to path with a hard link, which fails when path
// exists, and removes tmp. Where the file system has no hard links it copies
// tmp into a file created exclusively (O_EXCL): it still cannot replace a
// file, but a reader could see it half written.
func linkNoReplace(tmp, path string) error {
	err := os.Link(tmp, path)
	if err == nil {
		os.Remove(tmp)
		return nil
	}
	if errors.Is(err, fs.ErrExist) {
		return existsError(path)
	}
	return copyExclusive(tmp, path)
}

// copyExclusive copies tmp into a new file at path, never an existing one.
func copyExclusive(tmp, path string) (err error) {
	src, err := os.Open(tmp)
	if err != nil {
		return err
	}
	defer src.Close()
	st, err := src.Stat()
	if err != nil {
		return err
	}
	dst, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, st.Mode().Perm())
	if errors.Is(err, fs.ErrExist) {
		return existsError(path)
	}
	if err != nil {
		return err
	}
	defer func() {
		if cerr := dst.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(path) // ours: created exclusively above
		}
	}()
	if _, err = io.Copy(dst, src); err != nil {
		return err
	}
	if err = dst.Chmod(st.Mode().Perm()); err != nil {
		return err
	}
	return dst.Sync()
}

// Served makes an upload file of the chain an appliance served (certs as
// the TLS handshake gave them, the server's own certificate first): the
// path from that certificate, leaf first, root last when it was served, as
// Base64 PEM. Changes says what differs from what was served (reordered,
// duplicates or certificates off the path dropped) and what the file
// still lacks (no root served). Nothing is added: the file holds only
// what the appliance served.
func Served(certs []*x509.Certificate) (*Assembly, error) {
	if len(certs) == 0 {
		return nil, ErrNoCertificates
	}
	p := BuildPathFrom(certs, 0)
	a := &Assembly{}
	for _, i := range p.Order {
		a.Chain = append(a.Chain, Source{Cert: certs[i]})
	}
	if !slices.IsSorted(p.Order) {
		a.Changes = append(a.Changes, "reordered to "+Describe(certs, p.Order)+" (served as "+Describe(certs, servedOrder(certs))+")")
	}
	a.Changes = append(a.Changes, droppedOff(certs, p)...)
	a.PEM = a.encode()
	if !p.Root {
		last := certs[p.Order[len(p.Order)-1]]
		return a, fmt.Errorf("%w: no root was served: the chain stops at \"%s\", issued by \"%s\"", ErrIncomplete, Name(last), last.Issuer.String())
	}
	return a, nil
}

// servedOrder is 0..len(certs)-1.
func servedOrder(certs []*x509.Certificate) []int {
	out := make([]int, len(certs))
	for i := range out {
		out[i] = i
	}
	return out
}
