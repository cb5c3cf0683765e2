package chain

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"
)

// syn is a certificate made of the fields the path search reads, no
// more: its subject, issuer, key and identity are names.
func syn(subject, issuer string, mut ...func(*x509.Certificate)) *x509.Certificate {
	c := &x509.Certificate{
		Raw:                     []byte("cert:" + subject + "<" + issuer + fmt.Sprint(len(mut))),
		RawSubject:              []byte(subject),
		RawIssuer:               []byte(issuer),
		RawSubjectPublicKeyInfo: []byte("key:" + subject),
		Subject:                 pkix.Name{CommonName: subject},
		Issuer:                  pkix.Name{CommonName: issuer},
		NotBefore:               base.AddDate(-1, 0, 0),
		NotAfter:                base.AddDate(1, 0, 0),
		SignatureAlgorithm:      x509.SHA256WithRSA,
	}
	for _, m := range mut {
		m(c)
	}
	return c
}

var base = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

func withKey(k string) func(*x509.Certificate) {
	return func(c *x509.Certificate) {
		c.RawSubjectPublicKeyInfo = []byte("key:" + k)
		c.Raw = append(c.Raw, k...)
	}
}

// allSign is a signature check that accepts every link but those listed
// as "child>parent" by common name.
func allSign(refused ...string) func(child, parent *x509.Certificate) error {
	return func(child, parent *x509.Certificate) error {
		for _, r := range refused {
			if r == child.Subject.CommonName+">"+parent.Subject.CommonName {
				return errors.New("refused")
			}
		}
		return nil
	}
}

func searchOf(certs []*x509.Certificate, at time.Time, check func(child, parent *x509.Certificate) error, anchors ...int) *search {
	uniq := make([]int, len(certs))
	for i := range uniq {
		uniq[i] = i
	}
	s := newSearch(certs, uniq, at, check)
	for _, a := range anchors {
		s.anchor[a] = true
	}
	return s
}

// The signature budget: exactly maxSigChecks distinct checks, then none;
// an answer once given is remembered, within the budget or beyond.
func TestSignsBudget(t *testing.T) {
	var certs []*x509.Certificate
	for i := 0; i < 40; i++ {
		certs = append(certs, syn(fmt.Sprint("c", i), "x"))
	}
	n := 0
	s := searchOf(certs, base, func(child, parent *x509.Certificate) error {
		n++
		if child == certs[0] && parent == certs[1] {
			return errors.New("bad")
		}
		return nil
	})
	if s.signs(0, 1) || !s.signs(1, 0) || n != 2 {
		t.Fatalf("first answers wrong, or %d checks", n)
	}
	calls := 2
	for i := 0; i < 40 && calls < maxSigChecks; i++ {
		for j := 2; j < 40 && calls < maxSigChecks; j++ {
			if !s.signs(i, j) {
				t.Fatalf("check %d (%d, %d) refused within the budget", calls+1, i, j)
			}
			calls++
		}
	}
	if n != maxSigChecks || s.exhausted {
		t.Fatalf("%d checks, exhausted %v; want %d, not exhausted", n, s.exhausted, maxSigChecks)
	}
	if s.signs(39, 1) || !s.exhausted || n != maxSigChecks {
		t.Errorf("beyond the budget: checked (%d checks) or not exhausted (%v)", n, s.exhausted)
	}
	if s.signs(0, 1) || !s.signs(1, 0) || n != maxSigChecks {
		t.Errorf("remembered answers changed, or checked again (%d)", n)
	}
}

// Candidates are ranked: matching key identifiers, then valid at the
// instant, then not weakly signed (anchors excused), then anchors, then
// file order.
func TestCandidatesRanked(t *testing.T) {
	skid := func(id string) func(*x509.Certificate) {
		return func(c *x509.Certificate) { c.SubjectKeyId = []byte(id) }
	}
	sha1 := func(c *x509.Certificate) { c.SignatureAlgorithm = x509.SHA1WithRSA }
	expired := func(c *x509.Certificate) { c.NotAfter = base.Add(-time.Second) }
	early := func(c *x509.Certificate) { c.NotBefore = base.Add(time.Second) }
	certs := []*x509.Certificate{
		syn("child", "P", func(c *x509.Certificate) { c.AuthorityKeyId = []byte("x") }),
		syn("child2", "P"),
		syn("P", "R", withKey("0"), skid("y")),          // 2: other key id
		syn("P", "R", withKey("1"), skid("x"), expired), // 3
		syn("P", "R", withKey("2"), skid("x"), sha1),    // 4
		syn("P", "R", withKey("3"), skid("x")),          // 5
		syn("P", "R", withKey("4"), skid("x")),          // 6: anchor
		syn("P", "R", withKey("5")),                     // 7: no key id
		syn("P", "R", withKey("6"), skid("x"), sha1),    // 8: anchor, weak
		syn("P", "R", withKey("7"), skid("x"), early),   // 9
		syn("P", "R", withKey("8"), skid("x"), expired, sha1),
	}
	cases := []struct {
		name  string
		child int
		at    time.Time
		want  string
	}{
		{"with key identifier", 0, base, "[6 8 5 7 4 3 9 10 2]"},
		{"without key identifier", 1, base, "[6 8 2 5 7 4 3 9 10]"},
		{"no instant", 0, time.Time{}, "[6 8 3 5 7 9 4 10 2]"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := searchOf(certs, tc.at, allSign(), 6, 8)
			if got := fmt.Sprint(s.candidates(tc.child, map[int]bool{})); got != tc.want {
				t.Errorf("candidates %s, want %s", got, tc.want)
			}
			if s.truncated {
				t.Error("truncated")
			}
		})
	}
	s := searchOf(certs, base, allSign(), 6, 8)
	if got := fmt.Sprint(s.candidates(0, map[int]bool{6: true, 5: true, 2: true})); got != "[8 7 4 3 9 10]" {
		t.Errorf("candidates not on the path: %s", got)
	}
	// A self-issued certificate is not its own candidate.
	self := []*x509.Certificate{syn("Q", "Q"), syn("Q", "Q", withKey("2"))}
	if got := fmt.Sprint(searchOf(self, base, allSign()).candidates(0, map[int]bool{})); got != "[1]" {
		t.Errorf("self-issued: candidates %s, want [1]", got)
	}
}

// At most maxCandidates issuers are tried per step; more are cut, and the
// search says so.
func TestCandidatesBounded(t *testing.T) {
	for _, n := range []int{maxCandidates, maxCandidates + 1} {
		certs := []*x509.Certificate{syn("leaf", "P")}
		for i := 0; i < n; i++ {
			certs = append(certs, syn("P", "R", withKey(fmt.Sprint(i))))
		}
		s := searchOf(certs, base, allSign())
		got := s.candidates(0, map[int]bool{})
		if len(got) != maxCandidates || s.truncated != (n > maxCandidates) || got[0] != 1 || got[len(got)-1] != maxCandidates {
			t.Errorf("%d issuers: %d candidates from %d to %d, truncated %v", n, len(got), got[0], got[len(got)-1], s.truncated)
		}
	}
}

// line is c0 <- c1 <- ... <- c(n-1), the last an anchor.
func line(n int) ([]*x509.Certificate, *search) {
	var certs []*x509.Certificate
	for i := 0; i < n; i++ {
		certs = append(certs, syn(fmt.Sprint("c", i), fmt.Sprint("c", i+1)))
	}
	return certs, searchOf(certs, base, allSign(), n-1)
}

// A path holds at most maxPathLen certificates.
func TestDFSPathLength(t *testing.T) {
	for _, n := range []int{maxPathLen - 1, maxPathLen, maxPathLen + 1} {
		_, s := line(n)
		var found []int
		s.dfs([]int{0}, map[int]bool{0: true}, func(p []int) bool { found = append([]int(nil), p...); return true })
		if (len(found) == n) != (n <= maxPathLen) || (found != nil && len(found) != n) {
			t.Errorf("%d certificates in line: found %v", n, found)
		}
	}
}

// The step budget: a search that needs exactly maxVisits steps finds its
// path; one more step and it gives up.
func TestDFSVisitBudget(t *testing.T) {
	// The leaf has w1 issuers named N1. All but the last lead into a
	// shared dead end: 23 issuers N2, each with 5 issuers N3, each with 5
	// issuers that lead nowhere: 23*(1+5*(1+5)) = 713 steps below each.
	// The last leads to the anchor in one step.
	build := func(w1 int) ([]*x509.Certificate, *search) {
		certs := []*x509.Certificate{syn("leaf", "N1")}
		for i := 0; i < w1-1; i++ {
			certs = append(certs, syn("N1", "N2", withKey(fmt.Sprint("1-", i))))
		}
		for i := 0; i < 23; i++ {
			certs = append(certs, syn("N2", "N3", withKey(fmt.Sprint("2-", i))))
		}
		for i := 0; i < 5; i++ {
			certs = append(certs, syn("N3", "N4", withKey(fmt.Sprint("3-", i))))
		}
		for i := 0; i < 5; i++ {
			certs = append(certs, syn("N4", "nowhere", withKey(fmt.Sprint("4-", i))))
		}
		certs = append(certs, syn("N1", "R", withKey("last")), syn("R", "R"))
		return certs, searchOf(certs, base, allSign(), len(certs)-1)
	}
	for _, tc := range []struct {
		w1    int
		steps int
		found bool
	}{{8, 8 + 7*713 + 1, true}, {9, maxVisits + 1, false}} {
		certs, s := build(tc.w1)
		var found []int
		s.dfs([]int{0}, map[int]bool{0: true}, func(p []int) bool { found = append([]int(nil), p...); return true })
		if tc.found && (len(found) != 3 || found[2] != len(certs)-1) {
			t.Errorf("w1 %d: found %v, want leaf -> N1 -> R", tc.w1, found)
		}
		if !tc.found && found != nil {
			t.Errorf("w1 %d: found %v beyond the step budget", tc.w1, found)
		}
		// Past the budget each open level counts its own last step.
		if s.visits < tc.steps || s.visits > tc.steps+maxPathLen || (tc.found && s.visits != tc.steps) || s.exhausted == tc.found || s.sigs > maxSigChecks/2 {
			t.Errorf("w1 %d: %d steps (%d signatures), exhausted %v; want %d steps", tc.w1, s.visits, s.sigs, s.exhausted, tc.steps)
		}
	}
	if maxVisits != 8+7*713+1 {
		t.Fatal("the case no longer sits on the bound")
	}
}

// The greedy walk goes as far as the certificates go, at most 4*maxPathLen
// certificates, prefers a good signature, records broken links and stops
// without blame when the budget is spent.
func TestWalk(t *testing.T) {
	t.Run("long line", func(t *testing.T) {
		certs, s := line(60)
		order, root, broken, missing := s.walk(0)
		if len(order) != 4*maxPathLen+1 || root || broken != nil || missing != certs[4*maxPathLen].Issuer.String() {
			t.Errorf("%d certificates, root %v, broken %v, missing %q", len(order), root, broken, missing)
		}
	})
	t.Run("ends at the anchor with every certificate used", func(t *testing.T) {
		_, s := line(3)
		order, root, broken, missing := s.walk(0)
		if fmt.Sprint(order) != "[0 1 2]" || !root || broken != nil || missing != "" {
			t.Errorf("%v, root %v, broken %v, missing %q", order, root, broken, missing)
		}
	})
	prefer := []*x509.Certificate{syn("leaf", "P"), syn("P", "R", withKey("bad")), syn("P", "R", withKey("good")), syn("R", "R")}
	t.Run("prefers a good signature", func(t *testing.T) {
		s := searchOf(prefer, base, func(child, parent *x509.Certificate) error {
			if string(parent.RawSubjectPublicKeyInfo) == "key:bad" {
				return errors.New("bad")
			}
			return nil
		}, 3)
		order, root, broken, _ := s.walk(0)
		if fmt.Sprint(order) != "[0 2 3]" || !root || broken != nil {
			t.Errorf("%v, root %v, broken %v", order, root, broken)
		}
	})
	t.Run("takes the first when none signs", func(t *testing.T) {
		s := searchOf(prefer, base, allSign("leaf>P"), 3)
		order, root, broken, _ := s.walk(0)
		if fmt.Sprint(order) != "[0 1 3]" || !root || len(broken) != 1 || broken[0].Child != 0 || broken[0].Parent != 1 || broken[0].Err == nil {
			t.Errorf("%v, root %v, broken %+v", order, root, broken)
		}
	})
	t.Run("budget spent", func(t *testing.T) {
		s := searchOf(prefer, base, allSign(), 3)
		s.sigs = maxSigChecks
		order, root, broken, missing := s.walk(0)
		if fmt.Sprint(order) != "[0]" || root || broken != nil || missing != "CN=P" {
			t.Errorf("%v, root %v, broken %v, missing %q", order, root, broken, missing)
		}
	})
	t.Run("self-issued, not self-signed", func(t *testing.T) {
		s := searchOf([]*x509.Certificate{syn("leaf", "Q"), syn("Q", "Q")}, base, allSign("Q>Q"))
		order, root, broken, missing := s.walk(0)
		if fmt.Sprint(order) != "[0 1]" || !root || len(broken) != 1 || broken[0].Child != 1 || broken[0].Parent != 1 || missing != "" {
			t.Errorf("%v, root %v, broken %+v, missing %q", order, root, broken, missing)
		}
	})
	t.Run("self-issued, self-signed", func(t *testing.T) {
		s := searchOf([]*x509.Certificate{syn("leaf", "Q"), syn("Q", "Q")}, base, allSign())
		order, root, broken, _ := s.walk(0)
		if fmt.Sprint(order) != "[0 1]" || !root || broken != nil {
			t.Errorf("%v, root %v, broken %+v", order, root, broken)
		}
	})
	t.Run("issuer missing", func(t *testing.T) {
		s := searchOf([]*x509.Certificate{syn("leaf", "P")}, base, allSign())
		order, root, broken, missing := s.walk(0)
		if fmt.Sprint(order) != "[0]" || root || broken != nil || missing != "CN=P" {
			t.Errorf("%v, root %v, broken %+v, missing %q", order, root, broken, missing)
		}
	})
}

// classify maps crypto/x509's error types, and ours, to a reason and the
// certificate at fault.
func TestClassify(t *testing.T) {
	leaf, inter, anchor := syn("leaf", "inter"), syn("inter", "root"), syn("root", "root")
	path := []*x509.Certificate{leaf, inter, anchor}
	weak := syn("inter", "root", func(c *x509.Certificate) { c.SignatureAlgorithm = x509.SHA1WithRSA })
	notCA := syn("inter", "root", func(c *x509.Certificate) { c.BasicConstraintsValid = true })
	critical := syn("inter", "root", func(c *x509.Certificate) {
		c.UnhandledCriticalExtensions = append(c.UnhandledCriticalExtensions, oidNameConstraints)
	})
	cie := func(c *x509.Certificate, r x509.InvalidReason) error {
		return x509.CertificateInvalidError{Cert: c, Reason: r}
	}
	cases := []struct {
		name   string
		path   []*x509.Certificate
		err    error
		at     time.Time
		reason Reason
		cert   *x509.Certificate
	}{
		{"ours", path, &limitError{PathLength, inter, "x", ""}, base, PathLength, inter},
		{"ours, wrapped", path, fmt.Errorf("w: %w", &limitError{SearchBound, anchor, "x", ""}), base, SearchBound, anchor},
		{"expired", path, cie(inter, x509.Expired), base, Expired, inter},
		{"not yet valid", path, cie(inter, x509.Expired), inter.NotBefore.Add(-time.Second), NotYetValid, inter},
		{"valid from this instant", path, cie(inter, x509.Expired), inter.NotBefore, Expired, inter},
		{"expired, no certificate", path, cie(nil, x509.Expired), base, Expired, nil},
		{"not authorized to sign", path, cie(inter, x509.NotAuthorizedToSign), base, CAUsage, inter},
		{"too many intermediates", path, cie(inter, x509.TooManyIntermediates), base, PathLength, inter},
		{"incompatible usage", path, cie(leaf, x509.IncompatibleUsage), base, ExtKeyUsage, leaf},
		{"CA not authorized for this name", path, cie(inter, x509.CANotAuthorizedForThisName), base, NameConstraints, inter},
		{"CA not authorized for EKU", path, cie(inter, x509.CANotAuthorizedForExtKeyUsage), base, ExtKeyUsage, inter},
		{"unconstrained name", path, cie(inter, x509.UnconstrainedName), base, NameConstraints, inter},
		{"constraints without SANs", path, cie(inter, x509.NameConstraintsWithoutSANs), base, NameConstraints, inter},
		{"too many constraints", path, cie(inter, x509.TooManyConstraints), base, SearchBound, inter},
		{"name mismatch", path, cie(inter, x509.NameMismatch), base, UnknownAuthority, inter},
		{"other invalid reason", path, cie(inter, x509.InvalidReason(99)), base, Other, inter},
		{"host name", path, x509.HostnameError{Certificate: leaf, Host: "h"}, base, HostName, leaf},
		{"insecure algorithm", []*x509.Certificate{leaf, weak, anchor}, x509.InsecureAlgorithmError(x509.SHA1WithRSA), base, WeakSignature, weak},
		{"unhandled critical extension", []*x509.Certificate{leaf, critical, anchor}, x509.UnhandledCriticalExtension{}, base, CriticalExtension, critical},
		{"unknown authority, weak on the path", []*x509.Certificate{leaf, weak, anchor}, x509.UnknownAuthorityError{Cert: leaf}, base, WeakSignature, weak},
		{"unknown authority, not a CA on the path", []*x509.Certificate{leaf, notCA, anchor}, x509.UnknownAuthorityError{Cert: leaf}, base, CAUsage, notCA},
		{"unknown authority, critical on the path", []*x509.Certificate{leaf, critical, anchor}, x509.UnknownAuthorityError{Cert: leaf}, base, CriticalExtension, critical},
		{"unknown authority", path, x509.UnknownAuthorityError{Cert: inter}, base, UnknownAuthority, inter},
		{"anything else", path, errors.New("boom"), base, Other, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, c := classify(tc.path, tc.err, VerifyOptions{At: tc.at})
			if r != tc.reason || c != tc.cert {
				t.Errorf("%s at %v, want %s at %v", r, c, tc.reason, tc.cert)
			}
		})
	}
}

// The path facts classify reads: a weak signature below the anchor, an
// issuer that is no CA (the anchor aside), an unhandled critical
// extension anywhere.
func TestPathFacts(t *testing.T) {
	plain := func(n string) *x509.Certificate { return syn(n, "x") }
	weak := func(n string) *x509.Certificate {
		return syn(n, "x", func(c *x509.Certificate) { c.SignatureAlgorithm = x509.MD5WithRSA })
	}
	ca := func(n string, m func(*x509.Certificate)) *x509.Certificate {
		return syn(n, "x", func(c *x509.Certificate) { c.Version, c.BasicConstraintsValid, c.IsCA = 3, true, true }, m)
	}
	none := func(*x509.Certificate) {}
	exact := func(cs ...*x509.Certificate) []*x509.Certificate { return cs[:len(cs):len(cs)] }
	name := func(c *x509.Certificate) string {
		if c == nil {
			return "<nil>"
		}
		return c.Subject.CommonName
	}
	for _, tc := range []struct {
		name string
		path []*x509.Certificate
		want string
	}{
		{"empty", exact(), "<nil>"},
		{"weak leaf", exact(weak("leaf"), plain("root")), "leaf"},
		{"weak anchor only", exact(plain("leaf"), weak("root")), "<nil>"},
		{"weak intermediate", exact(plain("leaf"), weak("inter"), weak("root")), "inter"},
		{"leaf alone, weak: it is the anchor", exact(weak("leaf")), "<nil>"},
	} {
		if got := name(weakOnPath(tc.path)); got != tc.want {
			t.Errorf("weakOnPath %s: %s, want %s", tc.name, got, tc.want)
		}
	}
	for _, tc := range []struct {
		name string
		path []*x509.Certificate
		want string
	}{
		{"leaf alone", exact(plain("leaf")), "<nil>"},
		{"leaf and anchor", exact(plain("leaf"), plain("root")), "<nil>"},
		{"CA intermediate", exact(plain("leaf"), ca("inter", none), plain("root")), "<nil>"},
		{"basic constraints, not a CA", exact(plain("leaf"), ca("inter", func(c *x509.Certificate) { c.IsCA = false }), plain("root")), "inter"},
		{"v3 without basic constraints", exact(plain("leaf"), ca("inter", func(c *x509.Certificate) { c.BasicConstraintsValid, c.IsCA = false, false }), plain("root")), "inter"},
		{"v1 without basic constraints", exact(plain("leaf"), ca("inter", func(c *x509.Certificate) { c.Version, c.BasicConstraintsValid, c.IsCA = 1, false, false }), plain("root")), "<nil>"},
		{"key usage without keyCertSign", exact(plain("leaf"), ca("inter", func(c *x509.Certificate) { c.KeyUsage = x509.KeyUsageDigitalSignature }), plain("root")), "inter"},
		{"key usage with keyCertSign", exact(plain("leaf"), ca("inter", func(c *x509.Certificate) { c.KeyUsage = x509.KeyUsageCertSign }), plain("root")), "<nil>"},
		{"second intermediate", exact(plain("leaf"), ca("i1", none), ca("i2", func(c *x509.Certificate) { c.IsCA = false }), plain("root")), "i2"},
	} {
		if got := name(notCAOnPath(tc.path)); got != tc.want {
			t.Errorf("notCAOnPath %s: %s, want %s", tc.name, got, tc.want)
		}
	}
	crit := syn("crit", "x", func(c *x509.Certificate) {
		c.UnhandledCriticalExtensions = append(c.UnhandledCriticalExtensions, oidNameConstraints)
	})
	if got := name(criticalOnPath(exact(plain("leaf"), plain("root")))); got != "<nil>" {
		t.Errorf("criticalOnPath without any: %s", got)
	}
	if got := name(criticalOnPath(exact(plain("leaf"), crit))); got != "crit" {
		t.Errorf("criticalOnPath: %s, want the anchor too", got)
	}
}

// Name-constraint work is names times constraints, every kind counted,
// refused above maxConstraintWork and blamed on the CA.
func TestConstraintWork(t *testing.T) {
	// 256 names of every kind: 64 DNS, 64 IP, 64 e-mail, 63 URI, one
	// subject attribute.
	leaf := syn("leaf", "ca", func(c *x509.Certificate) {
		for i := 0; i < 64; i++ {
			c.DNSNames = append(c.DNSNames, fmt.Sprintf("h%d.example", i))
			c.IPAddresses = append(c.IPAddresses, net.IPv4(10, 0, 0, byte(i)))
			c.EmailAddresses = append(c.EmailAddresses, fmt.Sprintf("u%d@example.com", i))
			if i < 63 {
				c.URIs = append(c.URIs, &url.URL{Scheme: "https", Host: fmt.Sprintf("u%d.example", i)})
			}
		}
		c.Subject.Names = []pkix.AttributeTypeAndValue{{Type: []int{2, 5, 4, 3}, Value: "leaf"}}
	})
	// n constraints spread over the eight kinds.
	ca := func(n int) *x509.Certificate {
		return syn("ca", "root", func(c *x509.Certificate) {
			for i := 0; i < n; i++ {
				switch i % 8 {
				case 0:
					c.PermittedDNSDomains = append(c.PermittedDNSDomains, "d")
				case 1:
					c.ExcludedDNSDomains = append(c.ExcludedDNSDomains, "d")
				case 2:
					c.PermittedIPRanges = append(c.PermittedIPRanges, &net.IPNet{})
				case 3:
					c.ExcludedIPRanges = append(c.ExcludedIPRanges, &net.IPNet{})
				case 4:
					c.PermittedEmailAddresses = append(c.PermittedEmailAddresses, "e")
				case 5:
					c.ExcludedEmailAddresses = append(c.ExcludedEmailAddresses, "e")
				case 6:
					c.PermittedURIDomains = append(c.PermittedURIDomains, "u")
				case 7:
					c.ExcludedURIDomains = append(c.ExcludedURIDomains, "u")
				}
			}
		})
	}
	if n := NameConstraintCount(ca(257)); n != 257 {
		t.Fatalf("NameConstraintCount %d, want 257", n)
	}
	root := syn("root", "root")
	if err := constraintWork([]*x509.Certificate{leaf, ca(256), root}); err != nil {
		t.Errorf("256 x 256 = maxConstraintWork: %v", err)
	}
	big := ca(257)
	err := constraintWork([]*x509.Certificate{leaf, big, root})
	var le *limitError
	if !errors.As(err, &le) || le.reason != SearchBound || le.cert != big || !strings.Contains(err.Error(), "257 name constraints to check against the leaf's 256 names") {
		t.Errorf("257 x 256: %v", err)
	}
	if err := constraintWork([]*x509.Certificate{leaf, root, big}); err == nil {
		t.Error("constraints on the anchor are counted too")
	}
}

// cannotJudge recognises what Java accepts and crypto/x509 refuses, and
// nothing else.
func TestCannotJudge(t *testing.T) {
	leaf, inter, root := syn("leaf", "inter"), syn("inter", "root"), syn("root", "root")
	nc := syn("inter", "root", func(c *x509.Certificate) {
		c.UnhandledCriticalExtensions = append(c.UnhandledCriticalExtensions, []int{1, 2, 3}, oidNameConstraints)
	})
	other := syn("inter", "root", func(c *x509.Certificate) {
		c.UnhandledCriticalExtensions = append(c.UnhandledCriticalExtensions, []int{1, 2, 3})
	})
	selfIssued := syn("root", "root", withKey("rollover"))
	selfLeaf := syn("leaf", "leaf")
	tmi := x509.CertificateInvalidError{Cert: leaf, Reason: x509.TooManyIntermediates}
	exact := func(cs ...*x509.Certificate) []*x509.Certificate { return cs[:len(cs):len(cs)] }
	cases := []struct {
		name string
		path []*x509.Certificate
		err  error
		want string
	}{
		{"critical name constraints", exact(leaf, nc, root), x509.UnhandledCriticalExtension{}, `"inter" has critical name constraints`},
		{"critical name constraints, unknown authority", exact(leaf, nc, root), x509.UnknownAuthorityError{}, `"inter" has critical name constraints`},
		{"critical name constraints, other error", exact(leaf, nc, root), x509.HostnameError{Certificate: leaf}, ""},
		{"another critical extension", exact(leaf, other, root), x509.UnhandledCriticalExtension{}, ""},
		{"self-issued intermediate", exact(leaf, selfIssued, root), tmi, `the path holds the self-issued intermediate "root"`},
		{"no self-issued intermediate", exact(leaf, inter, root), tmi, ""},
		{"self-issued leaf and anchor only", exact(selfLeaf, inter, root), tmi, ""},
		{"self-issued intermediate, other reason", exact(leaf, selfIssued, root), x509.CertificateInvalidError{Cert: leaf, Reason: x509.Expired}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := cannotJudge(tc.path, tc.err)
			if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
				t.Errorf("%q, want %q", got, tc.want)
			}
		})
	}
}
