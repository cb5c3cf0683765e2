package chain_test

import (
	"crypto/x509"
	"errors"
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/ome-preflight/ome-preflight/chain"
	"github.com/ome-preflight/ome-preflight/fixtures"
)

// crossPKI has a root, an expired cross-signed copy of it (same name and
// key, issued by an old root), an intermediate and its cross-signed copy
// from a root that is not in any file.
func crossPKI(t testing.TB) *fixtures.PKI {
	t.Helper()
	return fixtures.MustBuild(base,
		fixtures.Spec{ID: "old", CN: "Old-Root", CA: true, KeySlot: 40},
		fixtures.Spec{ID: "root", CN: "Root-CA", CA: true, KeySlot: 41},
		fixtures.Spec{ID: "rootx", CN: "Root-CA", Issuer: "old", CA: true, KeySlot: 41, NotBefore: base.AddDate(-3, 0, 0), NotAfter: base.AddDate(0, 0, -1)},
		fixtures.Spec{ID: "elsewhere", CN: "Elsewhere-Root", CA: true, KeySlot: 42},
		fixtures.Spec{ID: "inter", CN: "Inter-CA1", Issuer: "root", CA: true, KeySlot: 43},
		fixtures.Spec{ID: "interx", CN: "Inter-CA1", Issuer: "elsewhere", CA: true, KeySlot: 43},
		fixtures.Spec{ID: "leaf", CN: "OMENT-310", Issuer: "inter", KeySlot: 44},
	)
}

func names(certs []*x509.Certificate, order []int) string {
	var out []string
	for _, i := range order {
		out = append(out, fmt.Sprintf("%d:%s/%s", i, certs[i].Subject.CommonName, certs[i].Issuer.CommonName))
	}
	return strings.Join(out, " ")
}

func TestBuildPathBacktracks(t *testing.T) {
	p := crossPKI(t)
	cases := []struct {
		name      string
		ids       []string
		order     []int
		unrelated []int
	}{
		// Let's Encrypt 2021: the expired cross-signed root comes first.
		{"expired cross-sign before the root", []string{"leaf", "inter", "rootx", "root"}, []int{0, 1, 3}, []int{2}},
		{"expired cross-sign and its old root", []string{"leaf", "inter", "rootx", "old", "root"}, []int{0, 1, 4}, []int{2, 3}},
		// The first intermediate signs the leaf but leads nowhere.
		{"dead-end cross-signed intermediate first", []string{"leaf", "interx", "inter", "root"}, []int{0, 2, 3}, []int{1}},
		{"plain", []string{"leaf", "inter", "root"}, []int{0, 1, 2}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			certs := p.Chain(tc.ids...)
			path := chain.BuildPathAt(certs, base)
			if fmt.Sprint(path.Order) != fmt.Sprint(tc.order) || !path.Root || fmt.Sprint(path.Unrelated) != fmt.Sprint(tc.unrelated) {
				t.Errorf("path %s root %v unrelated %v; want %v unrelated %v", names(certs, path.Order), path.Root, path.Unrelated, tc.order, tc.unrelated)
			}
			v := chain.Validate(certs[0], certs[1:], chain.VerifyOptions{Anchors: p.Chain("root"), At: base, Usage: x509.ExtKeyUsageServerAuth})
			if len(v.Path) != 3 || !v.Path[1].Equal(p.Certs["inter"].Cert) {
				t.Errorf("Validate: %v, path %d; want the path through Inter-CA1 from Root-CA", v.Err, len(v.Path))
			}
			// OpenSSL takes the first candidate issuer and does not
			// backtrack: a dead end listed first is its path, and it
			// refuses what Java's backtracking builder accepts.
			deadEnd := tc.ids[1] == "interx"
			switch {
			case deadEnd && (v.Reason != chain.StacksDisagree || v.Cert == nil || !v.Cert.Equal(p.Certs["interx"].Cert)):
				t.Errorf("Validate: %s at %v (%v); want stacks disagree naming the dead-end Inter-CA1 OpenSSL takes first", v.Reason, v.Cert, v.Err)
			case !deadEnd && !v.OK():
				t.Errorf("Validate: %s (%v); want valid (OpenSSL's first path is the valid one)", v.Reason, v.Err)
			}
		})
	}
}

// The one verifier's model: an anchor without Basic Constraints is trusted
// as given; EKU nests (leaf and every CA that restricts it).
func TestValidateModel(t *testing.T) {
	p := fixtures.MustBuild(base,
		fixtures.Spec{ID: "root", CN: "Root-CA", CA: true, Mutate: func(c *x509.Certificate) { c.BasicConstraintsValid, c.IsCA = false, false }},
		fixtures.Spec{ID: "inter", CN: "Inter-CA1", Issuer: "root", CA: true},
		fixtures.Spec{ID: "emailca", CN: "Mail-CA", Issuer: "root", CA: true, EKU: []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection}},
		fixtures.Spec{ID: "leaf", CN: "OMENT-310", Issuer: "inter"},
		fixtures.Spec{ID: "mailleaf", CN: "OMENT-400", Issuer: "emailca"},
		fixtures.Spec{ID: "clientonly", CN: "client", Issuer: "inter", EKU: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}},
	)
	root := p.Chain("root")
	if err := chain.Verify(p.Certs["leaf"].Cert, p.Chain("inter", "root"), root, base, x509.ExtKeyUsageServerAuth); err != nil {
		t.Errorf("root without Basic Constraints: %v (Java and OpenSSL accept it)", err)
	}
	if err := chain.Verify(p.Certs["clientonly"].Cert, p.Chain("inter"), root, base, x509.ExtKeyUsageServerAuth); err == nil || !strings.Contains(err.Error(), "the leaf \"client\" lacks serverAuth") {
		t.Errorf("a clientAuth-only leaf as server: %v, want the leaf named", err)
	}
	if err := chain.Verify(p.Certs["mailleaf"].Cert, p.Chain("emailca"), root, base, x509.ExtKeyUsageServerAuth); err == nil || !strings.Contains(err.Error(), "\"Mail-CA\" restricts") {
		t.Errorf("an intermediate restricted to emailProtection: %v, want it named (EKU nests)", err)
	}
	if err := chain.Verify(p.Certs["mailleaf"].Cert, p.Chain("emailca"), root, base, x509.ExtKeyUsageAny); err != nil {
		t.Errorf("usage any: %v", err)
	}
	if err := chain.Verify(p.Certs["leaf"].Cert, p.Chain("inter"), root, base.AddDate(10, 0, 0), x509.ExtKeyUsageServerAuth); err == nil {
		t.Error("verified ten years on")
	}
	if err := chain.Verify(p.Certs["leaf"].Cert, p.Chain("inter"), nil, base, x509.ExtKeyUsageServerAuth); err != chain.ErrNoAnchor {
		t.Errorf("no anchors: %v", err)
	}
}

// sameSubject builds n CA certificates that all carry one subject, each
// signed by the previous one's key, under a self-signed first, and a leaf
// under the last: the 400-certificates case.
func sameSubject(t testing.TB, n int) []*x509.Certificate {
	specs := []fixtures.Spec{{ID: "s0", CN: "Same", CA: true, KeyType: fixtures.ECDSAP256, KeySlot: 1000}}
	for i := 1; i < n; i++ {
		specs = append(specs, fixtures.Spec{ID: fmt.Sprintf("s%d", i), CN: "Same", Issuer: fmt.Sprintf("s%d", i-1), CA: true, KeyType: fixtures.ECDSAP256, KeySlot: 1000 + i})
	}
	specs = append(specs, fixtures.Spec{ID: "leaf", CN: "OMENT-310", Issuer: fmt.Sprintf("s%d", n-1), KeyType: fixtures.ECDSAP256, KeySlot: 1000 + n})
	p := fixtures.MustBuild(base, specs...)
	certs := []*x509.Certificate{p.Certs["leaf"].Cert}
	for i := 0; i < n; i++ {
		certs = append(certs, p.Certs[fmt.Sprintf("s%d", i)].Cert)
	}
	r := rand.New(rand.NewSource(1))
	r.Shuffle(len(certs)-1, func(i, j int) { certs[i+1], certs[j+1] = certs[j+1], certs[i+1] })
	return certs
}

// Path building is bounded: 400 certificates sharing one subject cost
// about n plus twice the search budget in signature checks, not n squared.
func TestPathSearchBounded(t *testing.T) {
	for _, n := range []int{400, 1000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) { pathSearchBounded(t, n) })
	}
}

func pathSearchBounded(t *testing.T, n int) {
	certs := sameSubject(t, n)
	p, pathChecks := chain.BuildPathAtCounting(certs, base)
	var anchors []*x509.Certificate
	for _, c := range certs {
		if chain.SelfSigned(c) {
			anchors = append(anchors, c)
		}
	}
	v, validateChecks := chain.ValidateCounting(certs[0], certs[1:], chain.VerifyOptions{Anchors: anchors, At: base, Usage: x509.ExtKeyUsageServerAuth})
	checks := pathChecks + validateChecks
	// BuildPath: one self-signature check per self-issued certificate (n+1
	// at most) and the search's budget; Validate: the budget. Outside the
	// budgets, each greedy walk (at most five in BuildPath, one in
	// Validate) checks at most one broken link per step, of at most
	// 4*MaxPathLen+1 steps.
	if bound := n + 1 + 2*chain.MaxSigChecks + 6*(4*chain.MaxPathLen+1); checks > bound {
		t.Errorf("%d signature checks (%d building, %d validating) for %d same-subject certificates; the bound is %d", checks, pathChecks, validateChecks, n, bound)
	}
	if p.Root || len(p.BrokenLinks) > 0 || !p.Exhausted {
		t.Errorf("path %d certificates, root %v, broken %v, exhausted %v: want an honest give-up", len(p.Order), p.Root, p.BrokenLinks, p.Exhausted)
	}
	if v.Err == nil {
		t.Errorf("a %d-certificate path validated; it is longer than any path the search takes", n+1)
	}
	t.Logf("%d signature checks; path %d certificates, root %v; %v", checks, len(p.Order), p.Root, v.Err)
}

func BenchmarkSameSubject400(b *testing.B) {
	certs := sameSubject(b, 400)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		chain.BuildPathAt(certs, base)
		chain.Validate(certs[0], certs[1:], chain.VerifyOptions{Anchors: certs[1:2], At: base, Usage: x509.ExtKeyUsageServerAuth})
	}
}

// Refusals found by crypto/x509 (paths with name constraints go to it) name
// the CA at fault: the one whose name constraints refuse the leaf (crypto/x509
// names the leaf), the one whose Extended Key Usage does not allow the usage.
func TestValidateNamesCAAtFault(t *testing.T) {
	srv := []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	permit := func(dom string) func(*x509.Certificate) {
		return func(c *x509.Certificate) { c.PermittedDNSDomains, c.PermittedDNSDomainsCritical = []string{dom}, true }
	}
	cases := []struct {
		name   string
		inter  fixtures.Spec
		reason x509.InvalidReason
	}{
		{"name constraints refuse the leaf", fixtures.Spec{ID: "inter", CN: "NC-Inter", Issuer: "root", CA: true, Mutate: permit("corp.example")}, x509.CANotAuthorizedForThisName},
		{"CA EKU refuses serverAuth", fixtures.Spec{ID: "inter", CN: "EKU-Inter", Issuer: "root", CA: true, Mutate: permit("lab.test"),
			EKU: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}, x509.IncompatibleUsage},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := fixtures.MustBuild(base, fixtures.Spec{ID: "root", CN: "Root-CA", CA: true}, tc.inter,
				fixtures.Spec{ID: "leaf", CN: "ome.lab.test", Issuer: "inter", DNS: []string{"ome.lab.test"}, EKU: srv})
			certs := p.Chain("leaf", "inter", "root")
			v := chain.Validate(certs[0], certs[1:], chain.VerifyOptions{Anchors: p.Chain("root"), At: base, Usage: x509.ExtKeyUsageServerAuth})
			var cie x509.CertificateInvalidError
			if !errors.As(v.Err, &cie) || cie.Reason != tc.reason || cie.Cert == nil || !cie.Cert.Equal(p.Certs["inter"].Cert) {
				t.Fatalf("err %v (%#v), want reason %d naming %s", v.Err, cie.Reason, tc.reason, tc.inter.CN)
			}
		})
	}
}
