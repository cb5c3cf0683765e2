package chain

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"net"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
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
	// key identifies a certificate by subject and public key: a path never
	// holds two certificates with the same key (RFC 4158 loop detection:
	// a cross-signed copy is the same CA).
	key       []string
	keyOn     map[string]bool
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
	s := &search{certs: certs, uniq: uniq, bySubject: map[string][]int{}, anchor: map[int]bool{}, at: at, signed: map[[2]int]bool{}, check: check,
		key: make([]string, len(certs)), keyOn: map[string]bool{}}
	for _, i := range uniq {
		s.key[i] = string(certs[i].RawSubject) + "\x00" + string(certs[i].RawSubjectPublicKeyInfo)
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
// first: key identifiers that match, then valid at the instant, then not
// signed with a weak algorithm themselves, then anchors, then file order.
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
			r += 8
		}
		if !s.at.IsZero() && (s.at.Before(p.NotBefore) || s.at.After(p.NotAfter)) {
			r += 4
		}
		if !s.anchor[j] && WeakAlgorithm(p) {
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
	k := s.key[cur]
	s.keyOn[k] = true
	defer delete(s.keyOn, k)
	for _, j := range s.candidates(cur, on) {
		if s.keyOn[s.key[j]] {
			continue // the same CA (subject and key) is already on the path
		}
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
	// Cache, when set, shares signature checks across the verdicts of one
	// run.
	Cache *SigCache
}

// Reason says, as a type, why no path validates.
type Reason int

// Reasons. Valid is the only one that is a pass; CannotJudge is not.
const (
	Valid             Reason = iota
	Expired                  // a certificate on the path is past its notAfter at the instant
	NotYetValid              // a certificate on the path is before its notBefore
	WeakSignature            // a signature on the path uses MD2, MD5 or SHA-1
	CAUsage                  // an issuer is not a CA, or its Key Usage lacks keyCertSign
	ExtKeyUsage              // the leaf's, or a CA's, Extended Key Usage refuses the usage
	NameConstraints          // a CA's name constraints refuse the leaf's names
	PathLength               // a pathLenConstraint (or the caller's depth bound) is exceeded
	HostName                 // the leaf does not cover the name asked for
	UnknownAuthority         // no path reaches an anchor: an issuer is missing, or the root is not trusted
	BadSignature             // an issuer's name matches but its key did not sign the certificate
	CriticalExtension        // a certificate carries a critical extension X.509 libraries do not know
	SearchBound              // the path search (or name-constraint work) hit its bound
	NoAnchor                 // nothing to anchor trust to
	CannotJudge              // crypto/x509 refuses what Java accepts: neither proven good nor bad
	Other                    // anything else crypto/x509 refuses
	Unreadable               // a certificate of the input could not be parsed: it was not judged
	StacksDisagree           // OpenSSL refuses and Java accepts, or the reverse: not a pass
	WeakKey                  // an RSA key under 2048 bits: OpenSSL at security level 2 refuses it (Java below 1024)
)

var reasonNames = [...]string{"valid", "expired", "not yet valid", "weak signature", "CA usage", "extended key usage",
	"name constraints", "path length", "host name", "unknown authority", "bad signature", "critical extension",
	"search bound", "no anchor", "cannot judge", "other", "unreadable certificate", "stacks disagree", "weak key"}

func (r Reason) String() string {
	if r >= 0 && int(r) < len(reasonNames) {
		return reasonNames[r]
	}
	return fmt.Sprintf("reason(%d)", int(r))
}

// Verdict is the outcome of the one verifier.
type Verdict struct {
	// Path is the validated path, leaf first, anchor last; on failure the
	// best failing path the search found (nil when none reaches an
	// anchor).
	Path []*x509.Certificate
	// Reason is Valid only when Path validates.
	Reason Reason
	// Cert is the certificate at fault, when one is.
	Cert *x509.Certificate
	// Err says why (crypto/x509's error, or ours); nil only when Valid.
	// A "cannot judge" verdict has an error too: it is never a pass.
	Err error
	// Caveats qualify a valid verdict where OME's stacks (OpenSSL, Java)
	// accept what current clients may not: a host name matched by the CN.
	Caveats []string
}

// OK reports whether a path validated.
func (v Verdict) OK() bool { return v.Reason == Valid && v.Err == nil }

// CannotJudgeError is the error of a CannotJudge verdict: why, and what
// to do when there is more to say than the rule's own fix ("" if not).
type CannotJudgeError struct{ Why, Fix string }

func (e *CannotJudgeError) Error() string { return "cannot judge: " + e.Why }

// Validate searches, among the leaf, the certificates it presented and the
// anchors, for a path from the leaf to an anchor that crypto/x509 accepts
// under the model above, at o.At.
func Validate(leaf *x509.Certificate, presented []*x509.Certificate, o VerifyOptions) Verdict {
	if o.Cache == nil {
		return validate(leaf, presented, o, signedBy)
	}
	k := question(leaf, presented, o)
	if v, ok := o.Cache.verdict(k); ok {
		return v
	}
	v := validate(leaf, presented, o, o.Cache.checker())
	o.Cache.remember(k, v)
	return v
}

// validate is Validate with the path search's signature check given.
func validate(leaf *x509.Certificate, presented []*x509.Certificate, o VerifyOptions, check func(child, parent *x509.Certificate) error) Verdict {
	if len(o.Anchors) == 0 {
		return Verdict{Reason: NoAnchor, Err: ErrNoAnchor}
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
	_, v := s.judge(0, o)
	return v
}

// judge runs the search from start and hands every path that reaches an
// anchor to crypto/x509, best ranked first: the first that validates wins.
// Otherwise the verdict is "cannot judge" when some path could only be
// refused for what Java accepts, else the best failing path (one whose
// certificates are all in their validity and CAs where they issue, when
// there is one) with its typed reason, else the search bound or the greedy
// walk's missing issuer or broken link. order is the verdict's path as
// indexes of the search's certificates (the walk when no path reached an
// anchor).
func (s *search) judge(start int, o VerifyOptions) (order []int, v Verdict) {
	type failing struct {
		path []int
		err  error
	}
	var valid, cannot []int
	var cannotWhy, validCaveat string
	var first, structural *failing
	s.dfs([]int{start}, map[int]bool{start: true}, func(path []int) bool {
		certs := s.pathCerts(path)
		why, caveat, err := verifyPath(certs, o)
		switch {
		case err == nil && why == "":
			valid, validCaveat = slices.Clone(path), caveat
			return true
		case err == nil:
			if cannot == nil {
				cannot, cannotWhy = slices.Clone(path), why
			}
		default:
			f := &failing{slices.Clone(path), err}
			if first == nil {
				first = f
			}
			if structural == nil && pathValidAt(s.certs, path, o.At) {
				structural = f
			}
		}
		return false
	})
	switch {
	case valid != nil:
		if err := s.opensslRefusesFirstPath(start, valid, o); err != nil {
			le := err.(*limitError)
			return valid, Verdict{Path: s.pathCerts(valid), Reason: le.reason, Cert: le.cert, Err: err}
		}
		v := Verdict{Path: s.pathCerts(valid)}
		if validCaveat != "" {
			v.Caveats = []string{validCaveat}
		}
		return valid, v
	case cannot != nil:
		return cannot, Verdict{Path: s.pathCerts(cannot), Reason: CannotJudge, Err: &CannotJudgeError{Why: cannotWhy}}
	case structural != nil:
		first = structural
	}
	if first != nil {
		certs := s.pathCerts(first.path)
		r, at := classify(certs, first.err, o)
		return first.path, Verdict{Path: certs, Reason: r, Cert: at, Err: first.err}
	}
	order, root, broken, _ := s.walk(start)
	if s.gaveUp() {
		return order, Verdict{Reason: SearchBound, Err: ErrSearchBound}
	}
	err := noPath(s, start)
	if len(broken) > 0 {
		if p := s.certs[broken[0].Parent]; p.PublicKeyAlgorithm == x509.DSA {
			// OpenSSL and Java verify DSA signatures; crypto/x509 cannot.
			return order, Verdict{Reason: CannotJudge, Cert: p, Err: &CannotJudgeError{Why: fmt.Sprintf("\"%s\" signs with a DSA key, which crypto/x509 cannot verify; OpenSSL and Java can (OME's appliance keys are RSA: see key-type)", Name(p))}}
		}
		return order, Verdict{Reason: BadSignature, Cert: s.certs[broken[0].Child], Err: err}
	}
	last := s.certs[order[len(order)-1]]
	if root {
		return order, Verdict{Reason: UnknownAuthority, Cert: last, Err: err}
	}
	return order, Verdict{Reason: UnknownAuthority, Cert: last, Err: err}
}

func (s *search) pathCerts(path []int) []*x509.Certificate {
	out := make([]*x509.Certificate, len(path))
	for k, i := range path {
		out[k] = s.certs[i]
	}
	return out
}

// classify turns the error of one path into a typed reason and the
// certificate at fault, from crypto/x509's error types and the path's own
// facts; never from an error's text.
func classify(path []*x509.Certificate, err error, o VerifyOptions) (Reason, *x509.Certificate) {
	var cie x509.CertificateInvalidError
	var he x509.HostnameError
	var uae x509.UnknownAuthorityError
	var ia x509.InsecureAlgorithmError
	var uce x509.UnhandledCriticalExtension
	var le *limitError
	switch {
	case errors.As(err, &le):
		return le.reason, le.cert
	case errors.As(err, &cie):
		switch cie.Reason {
		case x509.Expired:
			if c := cie.Cert; c != nil && o.At.Before(c.NotBefore) {
				return NotYetValid, c
			}
			return Expired, cie.Cert
		case x509.NotAuthorizedToSign:
			return CAUsage, cie.Cert
		case x509.TooManyIntermediates:
			return PathLength, cie.Cert
		case x509.IncompatibleUsage:
			return ExtKeyUsage, cie.Cert
		case x509.CANotAuthorizedForThisName, x509.CANotAuthorizedForExtKeyUsage, x509.UnconstrainedName, x509.NameConstraintsWithoutSANs:
			if cie.Reason == x509.CANotAuthorizedForExtKeyUsage {
				return ExtKeyUsage, cie.Cert
			}
			return NameConstraints, cie.Cert
		case x509.TooManyConstraints:
			return SearchBound, cie.Cert
		case x509.NameMismatch:
			return UnknownAuthority, cie.Cert
		}
		return Other, cie.Cert
	case errors.As(err, &he):
		return HostName, he.Certificate
	case errors.As(err, &ia):
		return WeakSignature, weakOnPath(path)
	case errors.As(err, &uce):
		return CriticalExtension, criticalOnPath(path)
	case errors.As(err, &uae):
		// crypto/x509 reports a refused signature algorithm as an unknown
		// authority: the path's own facts say which.
		if c := weakOnPath(path); c != nil {
			return WeakSignature, c
		}
		if c := notCAOnPath(path); c != nil {
			return CAUsage, c
		}
		if c := criticalOnPath(path); c != nil {
			return CriticalExtension, c
		}
		return UnknownAuthority, uae.Cert
	}
	return Other, nil
}

// weakOnPath is the first certificate below the anchor whose signature
// uses a weak algorithm.
func weakOnPath(path []*x509.Certificate) *x509.Certificate {
	for _, c := range path[:max(len(path)-1, 0)] {
		if WeakAlgorithm(c) {
			return c
		}
	}
	return nil
}

// notCAOnPath is the first issuer below the anchor that is not a CA, or
// whose Key Usage lacks keyCertSign (crypto/x509 refuses its signature as
// "parent certificate cannot sign").
func notCAOnPath(path []*x509.Certificate) *x509.Certificate {
	for _, c := range path[1:max(len(path)-1, 1)] {
		if c.BasicConstraintsValid && !c.IsCA || !c.BasicConstraintsValid && c.Version == 3 || c.KeyUsage != 0 && c.KeyUsage&x509.KeyUsageCertSign == 0 {
			return c
		}
	}
	return nil
}

// criticalOnPath is the first certificate with a critical extension
// crypto/x509 does not handle.
func criticalOnPath(path []*x509.Certificate) *x509.Certificate {
	for _, c := range path {
		if len(c.UnhandledCriticalExtensions) > 0 {
			return c
		}
	}
	return nil
}

// WeakAlgorithm reports whether c is signed with MD2, MD5 or SHA-1.
func WeakAlgorithm(c *x509.Certificate) bool {
	switch c.SignatureAlgorithm {
	case x509.MD2WithRSA, x509.MD5WithRSA, x509.SHA1WithRSA, x509.DSAWithSHA1, x509.ECDSAWithSHA1:
		return true
	}
	return false
}

// limitError is a refusal of ours (a bound, the leaf's EKU, the caller's
// depth limit) with its typed reason.
type limitError struct {
	reason Reason
	cert   *x509.Certificate
	msg    string
	fix    string // what to do, when the cause has its own fix
}

func (e *limitError) Error() string { return e.msg }

// Fix says what to do about the refusal, or "" for the rule's own fix.
func (e *limitError) Fix() string { return e.fix }

// noPath says, in the words of the greedy walk, why no path reaches an
// anchor: a broken link, a missing issuer, or a root that is not trusted.
func noPath(s *search, start int) error {
	order, root, broken, missing := s.walk(start)
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
func verifyPath(path []*x509.Certificate, o VerifyOptions) (cannot, caveat string, err error) {
	leaf, anchor := path[0], path[len(path)-1]
	if o.MaxIntermediates != nil && len(path) > 1 {
		n := 0
		for _, c := range path[1 : len(path)-1] {
			if !bytes.Equal(c.RawSubject, c.RawIssuer) {
				n++
			}
		}
		if n > *o.MaxIntermediates {
			return "", "", &limitError{PathLength, nil, fmt.Sprintf("the path has %d intermediates; at most %d are allowed", n, *o.MaxIntermediates), ""}
		}
	}
	if err := constraintWork(path); err != nil {
		return "", "", err
	}
	if o.Usage != x509.ExtKeyUsageAny && !Allows(leaf, o.Usage) {
		return "", "", &limitError{ExtKeyUsage, leaf, fmt.Sprintf("x509: certificate specifies an incompatible key usage: the leaf \"%s\" lacks %s in its Extended Key Usage", Name(leaf), ekuNames[o.Usage]), ""}
	}
	if anchor.Version == 3 && !anchor.BasicConstraintsValid && len(path) > 1 {
		// Trust what the anchor signed (the search checked that signature),
		// and judge the anchor's own validity here.
		if !validAt(anchor, o.At) {
			return "", "", x509.CertificateInvalidError{Cert: anchor, Reason: x509.Expired,
				Detail: fmt.Sprintf("the trust anchor \"%s\" is not valid at %s", Name(anchor), o.At.UTC().Format(time.RFC3339))}
		}
		path = path[:len(path)-1]
	}
	roots, inter := pathPools(path)
	opts := x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: o.At, KeyUsages: []x509.ExtKeyUsage{o.Usage}}
	if o.Name != "" {
		opts.DNSName = strings.TrimSuffix(strings.TrimPrefix(o.Name, "["), "]")
	}
	_, err = leaf.Verify(opts)
	var he x509.HostnameError
	if errors.As(err, &he) && len(leaf.DNSNames) == 0 && net.ParseIP(opts.DNSName) == nil && cnMatchesHost(leaf.Subject.CommonName, opts.DNSName) {
		// OpenSSL and Java match a host name against the CN when the leaf
		// has no dNSName SAN (crypto/x509 and browsers no longer do).
		opts.DNSName = ""
		_, err = leaf.Verify(opts)
		caveat = fmt.Sprintf("the host name %s matches only the leaf's common name (it has no dNSName Subject Alternative Name): OpenSSL and Java accept it, Go and current browsers do not", o.Name)
	} else if errors.As(err, &he) {
		if san := PartialWildcard(leaf, opts.DNSName); san != "" {
			// OpenSSL and Java match a wildcard inside the left-most label.
			opts.DNSName = ""
			_, err = leaf.Verify(opts)
			caveat = fmt.Sprintf("the host name %s matches the leaf's partial-label wildcard %q: OpenSSL and Java accept it, Go, browsers and the CA/B Forum do not", o.Name, san)
		}
	}
	if err != nil {
		// crypto/x509 refusals that OpenSSL and Java do not make, where
		// what they do is known: judge the path again without them.
		if relaxed, why := relaxFor(path, err); relaxed != nil {
			ropts := opts
			ropts.Roots, ropts.Intermediates = pathPools(relaxed)
			if _, rerr := leaf.Verify(ropts); rerr == nil {
				err, caveat = nil, why
			}
		}
	}
	if err == nil {
		if err := stackProfile(path); err != nil {
			return "", "", err
		}
		// OpenSSL and Java check a host-name CN against DNS name
		// constraints when the leaf has no dNSName SAN; crypto/x509 ignores
		// the CN.
		if err := cnNameConstraints(path); err != nil {
			return "", "", err
		}
		return "", caveat, stackDivergence(path, o)
	}
	if err != nil {
		if ca := otherNameUnderConstraint(path); ca != nil {
			// Both stacks refuse an otherName SAN under an otherName
			// constraint they cannot evaluate (OpenSSL: unsupported name
			// constraint type; Java: matching otherName not supported).
			return "", "", &limitError{NameConstraints, ca, fmt.Sprintf("x509: the leaf \"%s\" has an otherName Subject Alternative Name under a critical otherName name constraint of \"%s\": OpenSSL and Java refuse it (they cannot evaluate it)", Name(path[0]), Name(ca)), ""}
		}
		if why := cannotJudge(path, err); why != "" {
			return why, "", nil
		}
		var cie x509.CertificateInvalidError
		if errors.As(err, &cie) && cie.Reason == x509.IncompatibleUsage {
			for _, c := range path[1:] {
				if !Allows(c, o.Usage) {
					return "", "", caUsageError(c, o.Usage)
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
				return "", "", cie
			}
		}
		return "", "", err
	}
	return "", caveat, nil
}

var (
	oidExtKeyUsage = asn1.ObjectIdentifier{2, 5, 29, 37}
	oidAIA         = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 1, 1}
)

// stackProfile refuses what both OpenSSL and Java refuse and crypto/x509
// accepts: the same extension twice in a certificate, a critical Authority
// Information Access below the anchor (OpenSSL: unhandled critical
// extension), a leaf whose Extended Key Usage extension is empty (it
// allows nothing).
func stackProfile(path []*x509.Certificate) error {
	for k, c := range path {
		seen := map[string]bool{}
		for _, e := range c.Extensions {
			id := e.Id.String()
			if seen[id] {
				return &limitError{Other, c, fmt.Sprintf("x509: \"%s\" carries the extension %s twice (RFC 5280 4.2): OpenSSL and Java refuse the certificate", Name(c), id), ""}
			}
			seen[id] = true
			if e.Critical && e.Id.Equal(oidAIA) && k < len(path)-1 {
				return &limitError{CriticalExtension, c, fmt.Sprintf("x509: \"%s\" marks its Authority Information Access critical: OpenSSL refuses it as an unhandled critical extension, and Java refuses the path", Name(c)), ""}
			}
		}
	}
	leaf := path[0]
	if len(leaf.ExtKeyUsage)+len(leaf.UnknownExtKeyUsage) == 0 && slices.ContainsFunc(leaf.Extensions, func(e pkix.Extension) bool { return e.Id.Equal(oidExtKeyUsage) }) {
		return &limitError{ExtKeyUsage, leaf, fmt.Sprintf("x509: the leaf \"%s\" has an empty Extended Key Usage extension, which allows no usage: OpenSSL and Java refuse it", Name(leaf)), ""}
	}
	return nil
}

// HostMatch says whether leaf covers host as OME's stacks (OpenSSL, Java)
// decide it: a SAN that crypto/x509 matches, or, when the leaf has no
// dNSName SAN, its CN for a host name (viaCN: current clients and Go do not
// accept that).
func HostMatch(leaf *x509.Certificate, host string) (ok, viaCN bool) {
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if leaf.VerifyHostname(host) == nil {
		return true, false
	}
	if len(leaf.DNSNames) == 0 && net.ParseIP(host) == nil && cnMatchesHost(leaf.Subject.CommonName, host) {
		return true, true
	}
	return false, false
}

// cnMatchesHost reports whether a host name matches a CN as OpenSSL and
// Java match it when there is no dNSName SAN: equal ignoring case, or a
// wildcard for exactly the left-most label.
func cnMatchesHost(cn, host string) bool {
	host = strings.TrimSuffix(host, ".")
	if cn == "" || host == "" {
		return false
	}
	if strings.EqualFold(cn, host) {
		return true
	}
	if rest, ok := strings.CutPrefix(cn, "*."); ok {
		if i := strings.IndexByte(host, '.'); i > 0 && strings.EqualFold(host[i+1:], rest) {
			return true
		}
	}
	return false
}

// hostLikeCN reports whether a CN is a DNS host name (labels of letters,
// digits, '-' and '_', at least two of them), as OpenSSL decides whether to
// check it against DNS name constraints; an IP address is not.
func hostLikeCN(cn string) bool {
	if net.ParseIP(cn) != nil || !strings.Contains(cn, ".") {
		return false
	}
	for _, label := range strings.Split(strings.TrimSuffix(cn, "."), ".") {
		if label == "" {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
				return false
			}
		}
	}
	return true
}

// cnNameConstraints applies the path's DNS name constraints to a host-name
// CN when the leaf has no dNSName SAN, as OpenSSL
// (NAME_CONSTRAINTS_check_CN) and Java (NameConstraintsExtension) do.
func cnNameConstraints(path []*x509.Certificate) error {
	leaf := path[0]
	cn := leaf.Subject.CommonName
	if ip := net.ParseIP(cn); ip != nil {
		return ipCNConstraints(path, ip)
	}
	if len(leaf.DNSNames) > 0 || !hostLikeCN(cn) {
		return nil
	}
	for _, c := range path[1:] {
		permitted := len(c.PermittedDNSDomains) == 0
		for _, d := range c.PermittedDNSDomains {
			permitted = permitted || dnsConstraintMatches(d, cn)
		}
		excluded := slices.ContainsFunc(c.ExcludedDNSDomains, func(d string) bool { return dnsConstraintMatches(d, cn) })
		if !permitted || excluded {
			how := "is not permitted by"
			if excluded {
				how = "is excluded by"
			}
			return &limitError{NameConstraints, c, fmt.Sprintf("x509: the leaf's common name %q %s the DNS name constraints of \"%s\" (the leaf has no dNSName Subject Alternative Name, so OpenSSL and Java check its CN as a DNS name; crypto/x509 does not)", cn, how, Name(c)), ""}
		}
	}
	return nil
}

// ipCNConstraints judges a CN that is an IP address, where OME's stacks
// part ways: OpenSSL checks it as a DNS name against DNS constraints when
// the leaf has no dNSName SAN, Java checks it as an IP address against IP
// constraints when the leaf has no iPAddress SAN. Both refusing is a name
// constraints refusal; one refusing is StacksDisagree, never a pass.
func ipCNConstraints(path []*x509.Certificate, ip net.IP) error {
	leaf, cn := path[0], path[0].Subject.CommonName
	var opensslCA, javaCA *x509.Certificate
	for _, c := range path[1:] {
		if len(leaf.DNSNames) == 0 && opensslCA == nil {
			permitted := len(c.PermittedDNSDomains) == 0 || slices.ContainsFunc(c.PermittedDNSDomains, func(d string) bool { return dnsConstraintMatches(d, cn) })
			if !permitted || slices.ContainsFunc(c.ExcludedDNSDomains, func(d string) bool { return dnsConstraintMatches(d, cn) }) {
				opensslCA = c
			}
		}
		if len(leaf.IPAddresses) == 0 && javaCA == nil {
			permitted := len(c.PermittedIPRanges) == 0 || slices.ContainsFunc(c.PermittedIPRanges, func(n *net.IPNet) bool { return n.Contains(ip) })
			if !permitted || slices.ContainsFunc(c.ExcludedIPRanges, func(n *net.IPNet) bool { return n.Contains(ip) }) {
				javaCA = c
			}
		}
	}
	switch {
	case opensslCA != nil && javaCA != nil:
		return &limitError{NameConstraints, opensslCA, fmt.Sprintf("x509: the leaf's common name %q breaks the name constraints of \"%s\" as OpenSSL reads it (a DNS name) and of \"%s\" as Java reads it (an IP address)", cn, Name(opensslCA), Name(javaCA)), ""}
	case opensslCA != nil:
		return &limitError{StacksDisagree, opensslCA, fmt.Sprintf("OpenSSL refuses, Java accepts (inferred): the leaf has no dNSName SAN, so OpenSSL checks its IP-address common name %q as a DNS name against the DNS name constraints of \"%s\"; Java reads it as an IP address", cn, Name(opensslCA)), ipCNFix}
	case javaCA != nil:
		return &limitError{StacksDisagree, javaCA, fmt.Sprintf("Java refuses, OpenSSL accepts (inferred): the leaf has no iPAddress SAN, so Java checks its IP-address common name %q against the IP name constraints of \"%s\"; OpenSSL reads it as a DNS name", cn, Name(javaCA)), ipCNFix}
	}
	return nil
}

// dnsConstraintMatches applies one DNS name constraint (RFC 5280 4.2.1.10):
// "example.com" covers it and its subdomains, ".example.com" subdomains
// only, "" every name.
func dnsConstraintMatches(constraint, host string) bool {
	c, h := strings.ToLower(strings.TrimSuffix(constraint, ".")), strings.ToLower(strings.TrimSuffix(host, "."))
	switch {
	case c == "":
		return true
	case strings.HasPrefix(c, "."):
		return strings.HasSuffix(h, c)
	}
	return h == c || strings.HasSuffix(h, "."+c)
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
			return &limitError{SearchBound, c, fmt.Sprintf("refused: \"%s\" carries %d name constraints to check against the leaf's %d names, beyond this tool's bound of %d comparisons", Name(c), n, names, maxConstraintWork), ""}
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

var oidSAN = asn1.ObjectIdentifier{2, 5, 29, 17}

// otherNameUnderConstraint is the CA of path whose critical name
// constraints name otherName subtrees, when the leaf carries an otherName
// SAN; nil otherwise.
func otherNameUnderConstraint(path []*x509.Certificate) *x509.Certificate {
	if !slices.ContainsFunc(path[0].Extensions, func(e pkix.Extension) bool { return e.Id.Equal(oidSAN) && hasOtherName(e.Value) }) {
		return nil
	}
	for _, c := range path[1:] {
		for _, e := range c.Extensions {
			if !e.Critical || !e.Id.Equal(oidNameConstraints) {
				continue
			}
			nc := cryptobyte.String(e.Value)
			var seq cryptobyte.String
			if !nc.ReadASN1(&seq, cbasn1.SEQUENCE) {
				continue
			}
			for !seq.Empty() {
				var subtrees cryptobyte.String
				var tag cbasn1.Tag
				if !seq.ReadAnyASN1(&subtrees, &tag) {
					break
				}
				for !subtrees.Empty() {
					var subtree cryptobyte.String
					if !subtrees.ReadASN1(&subtree, cbasn1.SEQUENCE) {
						break
					}
					if subtree.PeekASN1Tag(cbasn1.Tag(0).ContextSpecific().Constructed()) {
						return c
					}
				}
			}
		}
	}
	return nil
}

// hasOtherName reports an otherName ([0]) among a SAN extension's names.
func hasOtherName(san []byte) bool {
	in := cryptobyte.String(san)
	var names cryptobyte.String
	if !in.ReadASN1(&names, cbasn1.SEQUENCE) {
		return false
	}
	for !names.Empty() {
		var name cryptobyte.String
		var tag cbasn1.Tag
		if !names.ReadAnyASN1(&name, &tag) {
			return false
		}
		if tag == cbasn1.Tag(0).ContextSpecific().Constructed() {
			return true
		}
	}
	return false
}

// pathPools are crypto/x509's pools for path (leaf first): its last
// certificate the one root, the ones between leaf and root intermediates.
func pathPools(path []*x509.Certificate) (roots, inter *x509.CertPool) {
	roots, inter = x509.NewCertPool(), x509.NewCertPool()
	roots.AddCert(path[len(path)-1])
	if len(path) > 2 {
		for _, c := range path[1 : len(path)-1] {
			inter.AddCert(c)
		}
	}
	return roots, inter
}

// relaxFor is path with the CAs' name constraints or path length
// constraints left out (copies: their signatures still verify), with the
// caveat to say, when err is a crypto/x509 refusal that OpenSSL and Java
// do not make and whose outcome under them is known: every name under the
// constraints is permitted as OpenSSL and Java compare names (written
// form: a wildcard SAN, a self-issued CA's SAN, CVE-2025-61727), or the
// path length counts self-issued intermediates, which RFC 5280 6.1.4 (and
// so OpenSSL and Java) does not. nil otherwise.
func relaxFor(path []*x509.Certificate, err error) ([]*x509.Certificate, string) {
	var cie x509.CertificateInvalidError
	if !errors.As(err, &cie) || len(path) < 2 {
		return nil, ""
	}
	out := slices.Clone(path)
	switch {
	case cie.Reason == x509.CANotAuthorizedForThisName && literalNameConstraints(path):
		for i := 1; i < len(out); i++ {
			c := *out[i]
			c.PermittedDNSDomainsCritical = false
			c.PermittedDNSDomains, c.ExcludedDNSDomains = nil, nil
			c.PermittedIPRanges, c.ExcludedIPRanges = nil, nil
			out[i] = &c
		}
		return out, "crypto/x509 refuses a name under the path's name constraints that OpenSSL and Java, comparing names as written, accept " +
			"(a wildcard SAN read defensively, CVE-2025-61727; a self-issued intermediate's SAN, which RFC 5280 exempts; a dNSName crypto/x509 cannot parse): inferred"
	case cie.Reason == x509.TooManyIntermediates:
		// RFC 5280 6.1.4 (l): only non-self-issued intermediates below a
		// CA count against its pathLenConstraint.
		for j := 2; j < len(path); j++ {
			ca := path[j]
			if !ca.BasicConstraintsValid || ca.MaxPathLen < 0 || ca.MaxPathLen == 0 && !ca.MaxPathLenZero {
				continue
			}
			n := 0
			for _, c := range path[1:j] {
				if !bytes.Equal(c.RawSubject, c.RawIssuer) {
					n++
				}
			}
			if n > ca.MaxPathLen {
				return nil, ""
			}
		}
		for i := 1; i < len(out); i++ {
			c := *out[i]
			c.MaxPathLen, c.MaxPathLenZero = -1, false
			out[i] = &c
		}
		return out, "crypto/x509 counts a self-issued intermediate against a CA's path length constraint, which RFC 5280, OpenSSL and Java do not: inferred"
	}
	return nil, ""
}

// cannotJudge recognises crypto/x509 refusals that Java would not make.
func cannotJudge(path []*x509.Certificate, err error) string {
	var uce x509.UnhandledCriticalExtension
	var uae x509.UnknownAuthorityError
	if errors.As(err, &uce) || errors.As(err, &uae) {
		for _, c := range path {
			for _, id := range c.UnhandledCriticalExtensions {
				if id.Equal(oidNameConstraints) {
					return fmt.Sprintf("\"%s\" has critical name constraints of a kind (directoryName, otherName, ...) crypto/x509 cannot evaluate; Java may accept the chain", Name(c))
				}
			}
		}
	}
	var cie x509.CertificateInvalidError
	if errors.As(err, &cie) && cie.Reason == x509.CANotAuthorizedForThisName && literalNameConstraints(path) {
		return "crypto/x509 refuses a name under the path's name constraints that OpenSSL and Java, comparing names as written, accept " +
			"(a wildcard SAN read defensively, CVE-2025-61727; a self-issued intermediate's SAN, which RFC 5280 exempts; a dNSName crypto/x509 cannot parse)"
	}
	if errors.As(err, &cie) && cie.Reason == x509.TooManyIntermediates {
		for _, c := range path[1 : len(path)-1] {
			if bytes.Equal(c.RawSubject, c.RawIssuer) {
				return fmt.Sprintf("the path holds the self-issued intermediate \"%s\", which RFC 5280 and Java do not count against pathLenConstraint and crypto/x509 does", Name(c))
			}
		}
	}
	return ""
}

// Verify is Validate for callers that need only the error: nil only when a
// path validates ("cannot judge" is an error).
func Verify(leaf *x509.Certificate, presented []*x509.Certificate, anchors []*x509.Certificate, at time.Time, usage x509.ExtKeyUsage) error {
	if usage == 0 {
		usage = x509.ExtKeyUsageAny
	}
	return Validate(leaf, presented, VerifyOptions{Anchors: anchors, At: at, Usage: usage}).Err
}

// Anchors is the one anchor rule: the certificates given as trusted (--ca)
// when there are any, otherwise the self-signed certificates among certs
// (an appliance trusts the root of the chain it was given).
func Anchors(certs, given []*x509.Certificate) []*x509.Certificate {
	if len(given) > 0 {
		return given
	}
	var out []*x509.Certificate
	for _, c := range certs {
		if SelfSigned(c) {
			out = append(out, c)
		}
	}
	return out
}

// SigCache remembers signature checks for one run (a compare, a probe, a
// checklist): the same link is verified once however many verdicts need
// it. It is passed explicitly; nil checks every time. Safe for concurrent
// use.
//
// It also remembers whole verdicts, by content: the same leaf, the same
// other certificates, the same anchors, instant, usage and name are the
// same question (compare asks its trust matrix what each side's own
// verdict already answered when the clocks and roots agree).
type SigCache struct {
	mu       sync.Mutex
	m        map[[2][32]byte]error
	verdicts map[[32]byte]Verdict
	check    func(child, parent *x509.Certificate) error
}

// NewSigCache returns an empty cache.
func NewSigCache() *SigCache {
	return &SigCache{m: map[[2][32]byte]error{}, verdicts: map[[32]byte]Verdict{}, check: signedBy}
}

// question is the content of a Validate call: certificates as sets, by
// digest.
func question(leaf *x509.Certificate, presented []*x509.Certificate, o VerifyOptions) [32]byte {
	set := func(cs []*x509.Certificate) [][32]byte {
		var out [][32]byte
		for _, c := range cs {
			if d := sha256.Sum256(c.Raw); !slices.Contains(out, d) {
				out = append(out, d)
			}
		}
		slices.SortFunc(out, func(a, b [32]byte) int { return bytes.Compare(a[:], b[:]) })
		return out
	}
	h := sha256.New()
	d := sha256.Sum256(leaf.Raw)
	h.Write(d[:])
	for _, part := range [][][32]byte{set(presented), set(o.Anchors)} {
		for _, d := range part {
			h.Write(d[:])
		}
		h.Write([]byte{0})
	}
	max := -1
	if o.MaxIntermediates != nil {
		max = *o.MaxIntermediates
	}
	fmt.Fprintf(h, "%d|%d|%s|%d", o.At.UnixNano(), o.Usage, o.Name, max)
	var k [32]byte
	h.Sum(k[:0])
	return k
}

func (c *SigCache) verdict(k [32]byte) (Verdict, bool) {
	if c == nil {
		return Verdict{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.verdicts[k]
	return v, ok
}

func (c *SigCache) remember(k [32]byte, v Verdict) {
	if c == nil {
		return
	}
	c.mu.Lock()
	c.verdicts[k] = v
	c.mu.Unlock()
}

func (c *SigCache) checker() func(child, parent *x509.Certificate) error {
	if c == nil {
		return signedBy
	}
	return c.signedBy
}

func (c *SigCache) signedBy(child, parent *x509.Certificate) error {
	k := [2][32]byte{sha256.Sum256(child.Raw), sha256.Sum256(parent.RawSubjectPublicKeyInfo)}
	c.mu.Lock()
	err, ok := c.m[k]
	c.mu.Unlock()
	if ok {
		return err
	}
	err = c.check(child, parent)
	c.mu.Lock()
	c.m[k] = err
	c.mu.Unlock()
	return err
}

// ipCNFix is the fix of an IP-address CN the stacks read differently.
const ipCNFix = "Reissue the leaf with its name in a Subject Alternative Name (dNSName or iPAddress), so that both stacks read the same name."
