package chain

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/md5"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"slices"
	"strings"
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
	// Exhausted is true when the search hit its bounds (too many
	// certificates sharing names): Order is then the best found so far.
	Exhausted bool
	// Anchor is the trust anchor the path ends at when it was given apart
	// from the file (Judge with o.Anchors); nil otherwise.
	Anchor *x509.Certificate
}

// SelfSigned reports whether c names itself as issuer and its own key
// verifies its signature.
func SelfSigned(c *x509.Certificate) bool {
	return bytes.Equal(c.RawSubject, c.RawIssuer) && signedBy(c, c) == nil
}

// signedBy checks only the signature, not CA constraints: rules judge those.
// MD5 signatures, which crypto/x509's CheckSignature refuses to check
// (SHA-1 it still checks there), are checked
// here so that an old enterprise CA's chain is still linked; the
// weak-signature rule judges the algorithm.
func signedBy(child, parent *x509.Certificate) error {
	err := parent.CheckSignature(child.SignatureAlgorithm, child.RawTBSCertificate, child.Signature)
	var ia x509.InsecureAlgorithmError
	if !errors.As(err, &ia) {
		return err
	}
	var h crypto.Hash
	var digest []byte
	switch child.SignatureAlgorithm {
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

// BuildPath finds leaf -> intermediates -> root among certs, whatever their
// order in the file, preferring a path with good signatures that ends at
// the file's own self-signed root.
func BuildPath(certs []*x509.Certificate) Path { return buildPath(certs, -1, time.Time{}, signedBy) }

// BuildPathAt is BuildPath preferring, among the paths the file holds, one
// that is valid at the instant (the Let's Encrypt 2021 shape: an expired
// cross-signed copy of the root listed before the root itself).
func BuildPathAt(certs []*x509.Certificate, at time.Time) Path {
	return buildPath(certs, -1, at, signedBy)
}

// BuildPathFrom builds the path that starts at certs[leaf].
func BuildPathFrom(certs []*x509.Certificate, leaf int) Path {
	return buildPath(certs, leaf, time.Time{}, signedBy)
}

// Judge is the one verifier on a file: it picks the leaf as BuildPath
// does, searches every path from it to an anchor (chain.Anchors: o.Anchors
// when given, else the file's own self-signed certificates) and judges
// each with crypto/x509 (Validate's model and verdict). The Path is the
// path judged: the validated one, else the failing one the verdict
// describes, else how far the file goes (broken links, missing issuer). An
// anchor given in o.Anchors but absent from certs is not in Path.Order:
// Path.Anchor names it.
func Judge(certs []*x509.Certificate, o VerifyOptions) (Path, Verdict) {
	if len(certs) == 0 {
		return Path{}, Verdict{Reason: NoAnchor, Err: ErrNoAnchor}
	}
	p, v := analyze(certs, -1, o.At, o.Cache.checker(), &o)
	if o.Cache != nil && len(p.Order) > 0 && len(o.Anchors) == 0 {
		// The same question as Validate with the file's own anchors.
		q := o
		q.Anchors = Anchors(certs, nil)
		o.Cache.remember(question(certs[p.Order[0]], certs, q), *v)
	}
	return p, *v
}

// buildPath checks signatures with check (signedBy; tests pass one that
// counts).
func buildPath(certs []*x509.Certificate, leaf int, at time.Time, check func(child, parent *x509.Certificate) error) Path {
	p, _ := analyze(certs, leaf, at, check, nil)
	return p
}

// analyze is buildPath, and Judge when o is given.
func analyze(certs []*x509.Certificate, leaf int, at time.Time, check func(child, parent *x509.Certificate) error, o *VerifyOptions) (Path, *Verdict) {
	var p Path
	if len(certs) == 0 {
		return p, nil
	}
	n := len(certs)
	var uniq []int
	seen := make(map[string]bool, len(certs))
	for i, c := range certs {
		if seen[string(c.Raw)] {
			p.Duplicates = append(p.Duplicates, i)
			continue
		}
		seen[string(c.Raw)] = true
		uniq = append(uniq, i)
	}
	pool := certs
	var given map[int]bool
	if o != nil && len(o.Anchors) > 0 {
		// Given anchors: found in the file, or added to the search after it.
		pool = slices.Clone(certs)
		given = map[int]bool{}
		for _, a := range o.Anchors {
			k := slices.IndexFunc(pool, func(c *x509.Certificate) bool { return bytes.Equal(c.Raw, a.Raw) })
			if k < 0 {
				pool = append(pool, a)
				k = len(pool) - 1
			}
			given[k] = true
		}
	}
	searchIdx := uniq
	for k := n; k < len(pool); k++ {
		searchIdx = append(slices.Clone(searchIdx), k)
	}
	s := newSearch(pool, searchIdx, at, check)
	for _, i := range uniq {
		// Linear (one check per self-issued certificate), so it does not
		// spend the search's budget.
		if given == nil && bytes.Equal(certs[i].RawSubject, certs[i].RawIssuer) && check(certs[i], certs[i]) == nil {
			s.anchor[i] = true
		}
	}
	for k := range given {
		s.anchor[k] = true
	}
	// A certificate that issued another one here is not the leaf.
	issuedHere := map[string]bool{}
	for _, i := range uniq {
		if !s.anchor[i] {
			issuedHere[string(certs[i].RawIssuer)] = true
		}
	}
	best := -1
	var ties []int
	for _, i := range uniq {
		if issuedHere[string(certs[i].RawSubject)] {
			continue
		}
		switch {
		case best < 0 || (certs[best].IsCA && !certs[i].IsCA):
			best, ties = i, []int{i}
		case certs[best].IsCA == certs[i].IsCA:
			ties = append(ties, i)
		}
	}
	if best < 0 {
		best = uniq[0]
	}
	if leaf >= 0 {
		best, ties = leaf, nil
	}
	// Among equally good leaves (at most a few are compared), prefer the
	// longer walk: the others are usually stray certificates.
	if len(ties) > 1 {
		bestLen := 0
		for _, i := range ties[:min(len(ties), 4)] {
			if o, _, _, _ := s.walk(i); len(o) > bestLen {
				best, bestLen = i, len(o)
			}
		}
	}
	var verdict *Verdict
	if o != nil {
		order, v := s.judge(best, *o)
		verdict = &v
		if v.Path != nil {
			p.Order = order
			if last := order[len(order)-1]; last >= n {
				p.Order, p.Anchor = order[:len(order)-1], pool[last]
			}
			p.Root = len(p.Order) > 0 && SelfSigned(certs[p.Order[len(p.Order)-1]])
			if p.Anchor == nil && !p.Root && len(p.Order) > 0 {
				p.MissingIssuer = certs[p.Order[len(p.Order)-1]].Issuer.String()
			}
		} else {
			p.Order, p.Root, p.BrokenLinks, p.MissingIssuer = s.walk(best)
			if k := slices.IndexFunc(p.Order, func(i int) bool { return i >= n }); k >= 0 {
				p.Order = p.Order[:k] // an anchor given apart from the file
				p.BrokenLinks = slices.DeleteFunc(p.BrokenLinks, func(l Link) bool { return l.Child >= n || l.Parent >= n })
			}
		}
		p.Exhausted = v.Reason == SearchBound || (!v.OK() && s.gaveUp())
		p.finish(uniq)
		return p, verdict
	}
	// Search every path the file holds, with backtracking; take the first
	// that validates at the instant (or the first complete one).
	var complete, valid []int
	s.dfs([]int{best}, map[int]bool{best: true}, func(path []int) bool {
		if complete == nil {
			complete = slices.Clone(path)
		}
		if at.IsZero() || pathValidAt(certs, path, at) {
			valid = slices.Clone(path)
			return true
		}
		return false
	})
	switch {
	case valid != nil:
		p.Order, p.Root = valid, true
	case complete != nil:
		p.Order, p.Root = complete, true
	default:
		// No path with good signatures reaches a root: the greedy walk
		// shows how far the file goes, and which link is broken.
		p.Order, p.Root, p.BrokenLinks, p.MissingIssuer = s.walk(best)
	}
	p.Exhausted = valid == nil && s.gaveUp()
	p.finish(uniq)
	return p, nil
}

// finish lists the certificates on no path and whether the file lists the
// path in order.
func (p *Path) finish(uniq []int) {
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
}

// pathValidAt reports whether every certificate of path is within its
// validity at the instant and every issuer is a CA (structure only: the
// rules and Validate judge the rest).
func pathValidAt(certs []*x509.Certificate, path []int, at time.Time) bool {
	for k, i := range path {
		c := certs[i]
		if at.Before(c.NotBefore) || at.After(c.NotAfter) {
			return false
		}
		if k > 0 && c.BasicConstraintsValid && !c.IsCA {
			return false
		}
	}
	return true
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
