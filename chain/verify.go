package chain

import (
	"bytes"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// The one verifier. check, compare, probe's credential gate and its mutual
// handshake all judge trust here, so that they cannot disagree.
//
// Model (OME's TLS stack is Java, SunJSSE's PKIX validator; what the peer
// appliance's side of the migration connection runs is not documented):
//   - A trust anchor is trusted as given: it needs no Basic Constraints
//     (Java and OpenSSL do not ask; crypto/x509 does, so we trust what the
//     anchor signed instead, having checked that signature).
//   - Extended Key Usage nests: the leaf must allow the usage, and a CA
//     certificate on the path that carries an EKU extension must allow it
//     too. Java's PKIX validator checks the leaf only; OpenSSL, Go and
//     browsers check both. We take the stricter reading (inferred), so that
//     a chain that passes here passes under either, and say which
//     certificate restricts the usage.
//   - Paths are searched with backtracking among every certificate given,
//     anchors first among equals, within bounds (maxSigChecks, maxVisits,
//     maxCandidates, maxPathLen): a hostile file cannot make the search
//     quadratic. Name-constraint work is bounded too (maxConstraintWork).
//   - Where crypto/x509 refuses what Java accepts and we cannot tell which
//     (self-issued intermediates counted against pathLenConstraint; critical
//     name constraints of a type crypto/x509 does not parse), the verdict
//     says "cannot judge" instead of a false error.
const (
	maxSigChecks  = 1000 // signature checks in one search
	maxVisits     = 5000 // path steps tried in one search
	maxCandidates = 64   // issuers tried per step
	maxPathLen    = 12   // certificates in a path
	// maxConstraintWork bounds name constraints times names on one path.
	maxConstraintWork = 1 << 16
)

// ErrSearchBound is returned when path building gave up at its bounds.
var ErrSearchBound = errors.New("path building gave up at its bound: the certificates hold too many candidate issuers")

type search struct {
	certs     []*x509.Certificate
	uniq      []int
	bySubject map[string][]int
	anchor    map[int]bool
	at        time.Time
	signed    map[[2]int]bool // the signature checks of this search
	check     func(child, parent *x509.Certificate) error
	sigs      int
	visits    int
	exhausted bool // the signature or step budget ran out
	truncated bool // some issuer candidates were never tried
}

// gaveUp reports whether the search could not try everything.
func (s *search) gaveUp() bool { return s.exhausted || s.truncated }

// newSearch checks signatures with check: signedBy, or in tests a
// function that counts its calls.
func newSearch(certs []*x509.Certificate, uniq []int, at time.Time, check func(child, parent *x509.Certificate) error) *search {
	s := &search{certs: certs, uniq: uniq, bySubject: map[string][]int{}, anchor: map[int]bool{}, at: at, signed: map[[2]int]bool{}, check: check}
	for _, i := range uniq {
		k := string(certs[i].RawSubject)
		s.bySubject[k] = append(s.bySubject[k], i)
	}
	return s
}

// signs reports whether parent's key verifies child's signature, within
// the search's budget (false once the budget is spent).
func (s *search) signs(child, parent int) bool {
	k := [2]int{child, parent}
	if v, ok := s.signed[k]; ok {
		return v
	}
	if s.sigs >= maxSigChecks {
		s.exhausted = true
		return false
	}
	s.sigs++
	ok := s.check(s.certs[child], s.certs[parent]) == nil
	s.signed[k] = ok
	return ok
}

// candidates lists the possible issuers of cur not yet on the path, best
// first: key identifiers that match, then valid at the instant, then
// anchors, then file order.
func (s *search) candidates(cur int, on map[int]bool) []int {
	c := s.certs[cur]
	var out []int
	for _, j := range s.bySubject[string(c.RawIssuer)] {
		if j != cur && !on[j] {
			out = append(out, j)
		}
	}
	rank := func(j int) int {
		p, r := s.certs[j], 0
		if len(c.AuthorityKeyId) > 0 && len(p.SubjectKeyId) > 0 && !bytes.Equal(c.AuthorityKeyId, p.SubjectKeyId) {
			r += 4
		}
		if !s.at.IsZero() && (s.at.Before(p.NotBefore) || s.at.After(p.NotAfter)) {
			r += 2
		}
		if !s.anchor[j] {
			r++
		}
		return r
	}
	sort.SliceStable(out, func(a, b int) bool { return rank(out[a]) < rank(out[b]) })
	if len(out) > maxCandidates {
		out = out[:maxCandidates]
		s.truncated = true
	}
	return out
}

// dfs extends path (leaf first) through every issuer whose signature
// verifies, calling visit on each path that ends at an anchor; visit
// returns true to stop.
func (s *search) dfs(path []int, on map[int]bool, visit func([]int) bool) bool {
	cur := path[len(path)-1]
	if s.anchor[cur] {
		return visit(path)
	}
	if len(path) >= maxPathLen {
		return false
	}
	for _, j := range s.candidates(cur, on) {
		if s.visits++; s.visits > maxVisits {
			s.exhausted = true
		}
		if s.exhausted {
			return false
		}
		if !s.signs(cur, j) {
			continue
		}
		on[j] = true
		stop := s.dfs(append(path, j), on, visit)
		delete(on, j)
		if stop {
			return true
		}
	}
	return false
}

// walk follows one issuer per step, preferring a good signature, to show
// how far a file goes when no path reaches a root: it records broken links
// and the missing issuer.
func (s *search) walk(leaf int) (order []int, root bool, broken []Link, missing string) {
	used := map[int]bool{leaf: true}
	order = []int{leaf}
	cur := leaf
	for len(order) <= len(s.uniq) && len(order) <= 4*maxPathLen {
		c := s.certs[cur]
		if s.anchor[cur] {
			return order, true, broken, ""
		}
		next, sigOK := -1, false
		for _, j := range s.candidates(cur, used) {
			ok := s.signs(cur, j)
			if next < 0 || (ok && !sigOK) {
				next, sigOK = j, ok
			}
			if sigOK {
				break
			}
		}
		if s.gaveUp() && !sigOK {
			// Out of budget: no link is proven, none is called broken.
			return order, false, broken, c.Issuer.String()
		}
		if next < 0 {
			if bytes.Equal(c.RawSubject, c.RawIssuer) {
				if err := s.check(c, c); err != nil {
					// Self-issued but its own key does not verify it.
					broken = append(broken, Link{Child: cur, Parent: cur, Err: err})
				}
				return order, true, broken, ""
			}
			return order, false, broken, c.Issuer.String()
		}
		if !sigOK {
			if err := s.check(c, s.certs[next]); err != nil {
				broken = append(broken, Link{Child: cur, Parent: next, Err: err})
			}
		}
		used[next] = true
		order = append(order, next)
		cur = next
	}
	return order, false, broken, s.certs[cur].Issuer.String()
}

// VerifyOptions are what a verification is judged against.
type VerifyOptions struct {
	Anchors []*x509.Certificate // trusted as given
	At      time.Time
	// Usage is required of the leaf's Extended Key Usage (a leaf without the
	// extension allows every usage); ExtKeyUsageAny checks none.
	Usage x509.ExtKeyUsage
	// Name, when set, must be covered by the leaf (DNS name or IP address).
	Name string
	// MaxIntermediates, when set, bounds the intermediates between the leaf
	// and the anchor (self-issued ones, a CA's key rollover, do not count).
	MaxIntermediates *int
}

// Verdict is the outcome of Validate.
type Verdict struct {
	// Path is the validated path, leaf first, anchor last (nil on failure).
	Path []*x509.Certificate
	// Err says why no path validates (nil when one does, or when the
	// verdict is CannotJudge).
	Err error
	// CannotJudge, when set, says what crypto/x509 refused that Java
	// accepts: the path is neither proven good nor bad.
	CannotJudge string
}

// Validate searches, among the leaf, the certificates it presented and the
// anchors, for a path from the leaf to an anchor that crypto/x509 accepts
// under the model above, at o.At.
func Validate(leaf *x509.Certificate, presented []*x509.Certificate, o VerifyOptions) Verdict {
	return validate(leaf, presented, o, signedBy)
}

// validate is Validate with the path search's signature check given.
func validate(leaf *x509.Certificate, presented []*x509.Certificate, o VerifyOptions, check func(child, parent *x509.Certificate) error) Verdict {
	if len(o.Anchors) == 0 {
		return Verdict{Err: ErrNoAnchor}
	}
	pool := []*x509.Certificate{leaf}
	seen := map[string]int{string(leaf.Raw): 0}
	add := func(c *x509.Certificate) int {
		if i, ok := seen[string(c.Raw)]; ok {
			return i
		}
		seen[string(c.Raw)] = len(pool)
		pool = append(pool, c)
		return len(pool) - 1
	}
	for _, c := range presented {
		add(c)
	}
	var anchorIdx []int
	for _, a := range o.Anchors {
		anchorIdx = append(anchorIdx, add(a))
	}
	uniq := make([]int, len(pool))
	for i := range uniq {
		uniq[i] = i
	}
	s := newSearch(pool, uniq, o.At, check)
	for _, i := range anchorIdx {
		s.anchor[i] = true
	}
	var v Verdict
	var first error
	s.dfs([]int{0}, map[int]bool{0: true}, func(path []int) bool {
		certs := make([]*x509.Certificate, len(path))
		for k, i := range path {
			certs[k] = pool[i]
		}
		cannot, err := verifyPath(certs, o)
		switch {
		case err == nil && cannot == "":
			v = Verdict{Path: certs}
			return true
		case err == nil:
			if v.CannotJudge == "" {
				v.CannotJudge = cannot
			}
		case first == nil:
			first = err
		}
		return false
	})
	if v.Path != nil {
		return v
	}
	if v.CannotJudge != "" {
		return Verdict{CannotJudge: v.CannotJudge}
	}
	switch {
	case first != nil:
		return Verdict{Err: first}
	case s.gaveUp():
		return Verdict{Err: ErrSearchBound}
	}
	return Verdict{Err: noPath(s)}
}

// noPath says, in the words of the greedy walk, why no path reaches an
// anchor: a broken link, a missing issuer, or a root that is not trusted.
func noPath(s *search) error {
	order, root, broken, missing := s.walk(0)
	last := s.certs[order[len(order)-1]]
	switch {
	case len(broken) > 0:
		l := broken[0]
		return fmt.Errorf("x509: certificate signed by unknown authority: \"%s\" names \"%s\" as its issuer, but that certificate's key did not sign it",
			Name(s.certs[l.Child]), Name(s.certs[l.Parent]))
	case root:
		return fmt.Errorf("x509: certificate signed by unknown authority: the path ends at \"%s\", which is not a trusted root", Name(last))
	}
	return fmt.Errorf("x509: certificate signed by unknown authority: \"%s\" is issued by \"%s\", which is neither given nor trusted", Name(last), missing)
}

var oidNameConstraints = asn1.ObjectIdentifier{2, 5, 29, 30}

// verifyPath runs crypto/x509 on exactly one path (leaf first, anchor
// last) and applies the model: the anchor needs no Basic Constraints, EKU
// applies to the leaf only.
func verifyPath(path []*x509.Certificate, o VerifyOptions) (cannot string, err error) {
	leaf, anchor := path[0], path[len(path)-1]
	if o.MaxIntermediates != nil {
		n := 0
		for _, c := range path[1 : len(path)-1] {
			if !bytes.Equal(c.RawSubject, c.RawIssuer) {
				n++
			}
		}
		if len(path) > 1 && n > *o.MaxIntermediates {
			return "", fmt.Errorf("the path has %d intermediates; at most %d are allowed", n, *o.MaxIntermediates)
		}
	}
	if err := constraintWork(path); err != nil {
		return "", err
	}
	if o.Usage != x509.ExtKeyUsageAny && !Allows(leaf, o.Usage) {
		return "", fmt.Errorf("x509: certificate specifies an incompatible key usage: the leaf \"%s\" lacks %s in its Extended Key Usage", Name(leaf), ekuNames[o.Usage])
	}
	roots, inter := x509.NewCertPool(), x509.NewCertPool()
	if anchor.Version == 3 && !anchor.BasicConstraintsValid && len(path) > 1 {
		// Trust what the anchor signed (the search checked that signature),
		// and judge the anchor's own validity here.
		if !validAt(anchor, o.At) {
			return "", x509.CertificateInvalidError{Cert: anchor, Reason: x509.Expired,
				Detail: fmt.Sprintf("the trust anchor \"%s\" is not valid at %s", Name(anchor), o.At.UTC().Format(time.RFC3339))}
		}
		path = path[:len(path)-1]
	}
	roots.AddCert(path[len(path)-1])
	if len(path) > 2 {
		for _, c := range path[1 : len(path)-1] {
			inter.AddCert(c)
		}
	}
	opts := x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: o.At, KeyUsages: []x509.ExtKeyUsage{o.Usage}}
	if o.Name != "" {
		opts.DNSName = strings.TrimSuffix(strings.TrimPrefix(o.Name, "["), "]")
	}
	if _, err := leaf.Verify(opts); err != nil {
		if why := cannotJudge(path, err); why != "" {
			return why, nil
		}
		var cie x509.CertificateInvalidError
		if errors.As(err, &cie) && cie.Reason == x509.IncompatibleUsage {
			for _, c := range path[1:] {
				if !Allows(c, o.Usage) {
					return "", caUsageError(c, o.Usage)
				}
			}
		}
		if errors.As(err, &cie) && cie.Reason == x509.CANotAuthorizedForThisName {
			// crypto/x509 (Go 1.26) names the leaf; the certificate at fault
			// is the CA whose name constraints refuse it, when only one has any.
			var constrained []*x509.Certificate
			for _, c := range path[1:] {
				if NameConstraintCount(c) > 0 {
					constrained = append(constrained, c)
				}
			}
			if len(constrained) == 1 {
				cie.Cert = constrained[0]
				return "", cie
			}
		}
		return "", err
	}
	return "", nil
}

// Allows reports whether c's Extended Key Usage (absent: any) allows usage.
func Allows(c *x509.Certificate, usage x509.ExtKeyUsage) bool {
	if usage == x509.ExtKeyUsageAny || len(c.ExtKeyUsage)+len(c.UnknownExtKeyUsage) == 0 {
		return true
	}
	return slices.Contains(c.ExtKeyUsage, usage) || slices.Contains(c.ExtKeyUsage, x509.ExtKeyUsageAny)
}

// constraintWork refuses a path whose name constraints, checked against
// the leaf's names, would cost more than maxConstraintWork comparisons (the
// x509-limbo nc-dos shape: thousands of constraints times thousands of
// names).
func constraintWork(path []*x509.Certificate) error {
	leaf := path[0]
	names := len(leaf.DNSNames) + len(leaf.IPAddresses) + len(leaf.EmailAddresses) + len(leaf.URIs) + len(leaf.Subject.Names)
	for _, c := range path[1:] {
		n := NameConstraintCount(c)
		if n*names > maxConstraintWork {
			return fmt.Errorf("refused: \"%s\" carries %d name constraints to check against the leaf's %d names, beyond this tool's bound of %d comparisons", Name(c), n, names, maxConstraintWork)
		}
	}
	return nil
}

// CAUsageError is a CA whose Extended Key Usage does not allow the usage
// asked for. It unwraps to crypto/x509's CertificateInvalidError
// (IncompatibleUsage) naming that CA, so callers find the certificate at
// fault the same way as for crypto/x509's own errors.
type CAUsageError struct {
	x509.CertificateInvalidError
	Usage x509.ExtKeyUsage
}

func (e *CAUsageError) Error() string {
	return fmt.Sprintf("x509: certificate specifies an incompatible key usage: the CA certificate \"%s\" restricts Extended Key Usage to %s, which does not allow %s",
		Name(e.Cert), strings.Join(ExtKeyUsageNames(e.Cert), ", "), ekuNames[e.Usage])
}

func (e *CAUsageError) Unwrap() error { return e.CertificateInvalidError }

func caUsageError(c *x509.Certificate, u x509.ExtKeyUsage) error {
	return &CAUsageError{x509.CertificateInvalidError{Cert: c, Reason: x509.IncompatibleUsage}, u}
}

// NameConstraintCount is how many permitted and excluded name subtrees c
// carries, of every name type.
func NameConstraintCount(c *x509.Certificate) int {
	return len(c.PermittedDNSDomains) + len(c.ExcludedDNSDomains) + len(c.PermittedIPRanges) + len(c.ExcludedIPRanges) +
		len(c.PermittedEmailAddresses) + len(c.ExcludedEmailAddresses) + len(c.PermittedURIDomains) + len(c.ExcludedURIDomains)
}

func validAt(c *x509.Certificate, at time.Time) bool {
	return !at.Before(c.NotBefore) && !at.After(c.NotAfter)
}

// cannotJudge recognises crypto/x509 refusals that Java would not make.
func cannotJudge(path []*x509.Certificate, err error) string {
	var uce x509.UnhandledCriticalExtension
	if errors.As(err, &uce) || strings.Contains(err.Error(), "unhandled critical extension") {
		for _, c := range path {
			for _, id := range c.UnhandledCriticalExtensions {
				if id.Equal(oidNameConstraints) {
					return fmt.Sprintf("\"%s\" has critical name constraints of a kind (directoryName, otherName, ...) crypto/x509 cannot evaluate; Java may accept the chain", Name(c))
				}
			}
		}
	}
	var cie x509.CertificateInvalidError
	if errors.As(err, &cie) && cie.Reason == x509.TooManyIntermediates {
		for _, c := range path[1 : len(path)-1] {
			if bytes.Equal(c.RawSubject, c.RawIssuer) {
				return fmt.Sprintf("the path holds the self-issued intermediate \"%s\", which RFC 5280 and Java do not count against pathLenConstraint and crypto/x509 does", Name(c))
			}
		}
	}
	return ""
}

// Verify is Validate for callers that need only the error: nil when a path
// validates (or the verdict is "cannot judge").
func Verify(leaf *x509.Certificate, presented []*x509.Certificate, anchors []*x509.Certificate, at time.Time, usage x509.ExtKeyUsage) error {
	if usage == 0 {
		usage = x509.ExtKeyUsageAny
	}
	return Validate(leaf, presented, VerifyOptions{Anchors: anchors, At: at, Usage: usage}).Err
}
