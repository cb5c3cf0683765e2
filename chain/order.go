package chain

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/md5"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// Link is one issuer relation that does not hold: the names match but the
// issuer's key did not sign the child.
type Link struct {
	Child, Parent int // indexes into the certificate list
	Err           error
}

// Path is the certification path found among a file's certificates.
type Path struct {
	// Order holds indexes into the input list, leaf first, root last when
	// the root is present.
	Order []int
	// Root is true when the last certificate of Order is self-signed.
	Root bool
	// MissingIssuer is the issuer name of the last certificate when Root is
	// false: the certificate that should come next.
	MissingIssuer string
	// BrokenLinks are name matches whose signature does not verify.
	BrokenLinks []Link
	// Unrelated certificates are on no path from the leaf.
	Unrelated []int
	// Duplicates are exact copies of an earlier certificate.
	Duplicates []int
	// FileOrder is true when the file lists exactly Order, in that order
	// (duplicates aside).
	FileOrder bool
}

// SelfSigned reports whether c names itself as issuer and its own key
// verifies its signature.
func SelfSigned(c *x509.Certificate) bool {
	return bytes.Equal(c.RawSubject, c.RawIssuer) && signedBy(c, c) == nil
}

// signedBy checks only the signature, not CA constraints: rules judge those.
// SHA-1 and MD5 signatures, which crypto/x509 refuses to check, are checked
// here so that an old enterprise CA's chain is still linked; the
// weak-signature rule judges the algorithm.
func signedBy(child, parent *x509.Certificate) error {
	key := [2]*x509.Certificate{child, parent}
	sigMemo.Lock()
	if r, ok := sigMemo.m[key]; ok {
		sigMemo.Unlock()
		return r
	}
	sigMemo.Unlock()
	err := checkSignature(child, parent)
	sigMemo.Lock()
	if len(sigMemo.m) > 8192 {
		sigMemo.m = map[[2]*x509.Certificate]error{}
	}
	sigMemo.m[key] = err
	sigMemo.Unlock()
	return err
}

// sigMemo remembers signature checks: path building, roles and rules ask
// the same question many times, and RSA verification dominates a check.
var sigMemo = struct {
	sync.Mutex
	m map[[2]*x509.Certificate]error
}{m: map[[2]*x509.Certificate]error{}}

func checkSignature(child, parent *x509.Certificate) error {
	err := parent.CheckSignature(child.SignatureAlgorithm, child.RawTBSCertificate, child.Signature)
	var ia x509.InsecureAlgorithmError
	if !errors.As(err, &ia) {
		return err
	}
	var h crypto.Hash
	var digest []byte
	switch child.SignatureAlgorithm {
	case x509.SHA1WithRSA, x509.ECDSAWithSHA1:
		d := sha1.Sum(child.RawTBSCertificate)
		h, digest = crypto.SHA1, d[:]
	case x509.MD5WithRSA:
		d := md5.Sum(child.RawTBSCertificate)
		h, digest = crypto.MD5, d[:]
	default:
		return err
	}
	switch k := parent.PublicKey.(type) {
	case *rsa.PublicKey:
		return rsa.VerifyPKCS1v15(k, h, digest, child.Signature)
	case *ecdsa.PublicKey:
		if ecdsa.VerifyASN1(k, digest, child.Signature) {
			return nil
		}
		return errors.New("ecdsa: verification error")
	}
	return err
}

// SignedBy reports whether parent's key verifies child's signature.
func SignedBy(child, parent *x509.Certificate) bool { return signedBy(child, parent) == nil }

// BuildPath finds leaf -> intermediates -> root among certs, whatever their
// order in the file.
func BuildPath(certs []*x509.Certificate) Path { return buildPath(certs, -1) }

// BuildPathFrom builds the path that starts at certs[leaf].
func BuildPathFrom(certs []*x509.Certificate, leaf int) Path { return buildPath(certs, leaf) }

func buildPath(certs []*x509.Certificate, leaf int) Path {
	var p Path
	if len(certs) == 0 {
		return p
	}
	var uniq []int
	for i, c := range certs {
		dup := false
		for _, j := range uniq {
			if bytes.Equal(certs[j].Raw, c.Raw) {
				dup = true
				break
			}
		}
		if dup {
			p.Duplicates = append(p.Duplicates, i)
			continue
		}
		uniq = append(uniq, i)
	}
	self := make(map[int]bool, len(uniq))
	for _, i := range uniq {
		self[i] = SelfSigned(certs[i])
	}
	// issues[i] is true when certificate i issued another certificate here.
	issues := map[int]bool{}
	for _, i := range uniq {
		for _, j := range uniq {
			if i != j && !self[j] && bytes.Equal(certs[i].RawSubject, certs[j].RawIssuer) {
				issues[i] = true
			}
		}
	}
	walk := func(leaf int) (order []int, root bool, broken []Link, missing string) {
		used := map[int]bool{leaf: true}
		order = []int{leaf}
		cur := leaf
		for len(order) <= len(uniq) {
			c := certs[cur]
			if self[cur] {
				return order, true, broken, ""
			}
			next, sigOK := -1, false
			for _, j := range uniq {
				if used[j] || !bytes.Equal(certs[j].RawSubject, c.RawIssuer) {
					continue
				}
				ok := signedBy(c, certs[j]) == nil
				if next < 0 || (ok && !sigOK) {
					next, sigOK = j, ok
				}
			}
			if next < 0 {
				if bytes.Equal(c.RawSubject, c.RawIssuer) {
					// Self-issued but its own key does not verify it.
					broken = append(broken, Link{Child: cur, Parent: cur, Err: signedBy(c, c)})
					return order, true, broken, ""
				}
				return order, false, broken, c.Issuer.String()
			}
			if !sigOK {
				broken = append(broken, Link{Child: cur, Parent: next, Err: signedBy(c, certs[next])})
			}
			used[next] = true
			order = append(order, next)
			cur = next
		}
		return order, false, broken, certs[cur].Issuer.String()
	}
	best := -1
	for _, i := range uniq {
		if issues[i] {
			continue
		}
		if best < 0 {
			best = i
			continue
		}
		// Prefer an end-entity certificate, then the longer path.
		bi, ci := certs[best].IsCA, certs[i].IsCA
		if bi && !ci {
			best = i
			continue
		}
		if bi == ci {
			o1, _, _, _ := walk(best)
			o2, _, _, _ := walk(i)
			if len(o2) > len(o1) {
				best = i
			}
		}
	}
	if best < 0 {
		best = uniq[0]
	}
	if leaf >= 0 {
		best = leaf
	}
	p.Order, p.Root, p.BrokenLinks, p.MissingIssuer = walk(best)
	on := map[int]bool{}
	for _, i := range p.Order {
		on[i] = true
	}
	for _, i := range uniq {
		if !on[i] {
			p.Unrelated = append(p.Unrelated, i)
		}
	}
	p.FileOrder = len(p.Unrelated) == 0
	for k, i := range p.Order {
		if uniq[k] != i {
			p.FileOrder = false
		}
	}
	return p
}

// Role of a certificate on the path.
func (p Path) Role(certs []*x509.Certificate, i int) string {
	for k, j := range p.Order {
		if j != i {
			continue
		}
		switch {
		case k == 0 && (len(p.Order) > 1 || !p.Root || !certs[i].IsCA):
			// A lone self-signed certificate is the appliance's own unless
			// it is a CA.
			return "leaf"
		case k == len(p.Order)-1 && p.Root:
			return "root"
		default:
			return "intermediate"
		}
	}
	switch c := certs[i]; {
	case SelfSigned(c):
		return "root"
	case c.IsCA:
		return "intermediate"
	default:
		return "leaf"
	}
}

// Leaf returns the path's first certificate.
func (p Path) Leaf(certs []*x509.Certificate) *x509.Certificate {
	if len(p.Order) == 0 {
		return nil
	}
	return certs[p.Order[0]]
}

// Describe renders a path as "CN=leaf -> CN=int -> CN=root".
func Describe(certs []*x509.Certificate, order []int) string {
	var parts []string
	for _, i := range order {
		parts = append(parts, Name(certs[i]))
	}
	return strings.Join(parts, " -> ")
}

// Name is a short name for a certificate: its CN, or its whole subject.
func Name(c *x509.Certificate) string {
	if c.Subject.CommonName != "" {
		return c.Subject.CommonName
	}
	if s := c.Subject.String(); s != "" {
		return s
	}
	return fmt.Sprintf("serial %x", c.SerialNumber)
}

// Verify checks that the chain a peer presents (leaf plus the other
// certificates it sends) verifies to one of anchors at the instant, for the
// usage. It is crypto/x509's path validation: EKU nesting, CA constraints,
// validity of every certificate.
func Verify(leaf *x509.Certificate, presented []*x509.Certificate, anchors []*x509.Certificate, at time.Time, usage x509.ExtKeyUsage) error {
	if len(anchors) == 0 {
		return ErrNoAnchor
	}
	roots, inter := x509.NewCertPool(), x509.NewCertPool()
	for _, a := range anchors {
		roots.AddCert(a)
		if a.Version == 3 && !a.BasicConstraintsValid {
			// Java and OpenSSL do not ask a trust anchor for Basic
			// Constraints; crypto/x509 does. Trust what the anchor signed
			// instead, having checked that signature here.
			for _, c := range append([]*x509.Certificate{leaf}, presented...) {
				if bytes.Equal(c.RawIssuer, a.RawSubject) && signedBy(c, a) == nil {
					roots.AddCert(c)
				}
			}
		}
	}
	for _, c := range presented {
		if c != leaf {
			inter.AddCert(c)
		}
	}
	_, err := leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: at, KeyUsages: []x509.ExtKeyUsage{usage}})
	return err
}
