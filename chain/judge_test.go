package chain_test

import (
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/ome-preflight/ome-preflight/chain"
	"github.com/ome-preflight/ome-preflight/fixtures"
)

// MaxIntermediates bounds the intermediates between leaf and anchor;
// self-issued ones (a key rollover) do not count, and a certificate that
// is itself the anchor has none (it panicked: path[1:0]).
func TestMaxIntermediates(t *testing.T) {
	p := verdictPKI(t)
	c := func(id string) *x509.Certificate { return p.Certs[id].Cert }
	n := func(i int) *int { return &i }
	cases := []struct {
		name    string
		leaf    string
		rest    []string
		anchor  string
		max     *int
		reason  chain.Reason
		errText string
	}{
		{"one intermediate, one allowed", "leaf", []string{"inter"}, "root", n(1), chain.Valid, ""},
		{"one intermediate, none allowed", "leaf", []string{"inter"}, "root", n(0), chain.PathLength, "the path has 1 intermediates; at most 0 are allowed"},
		{"the anchor itself, none allowed", "root", nil, "root", n(0), chain.Valid, ""},
		{"the leaf's issuer is the anchor", "inter", nil, "root", n(0), chain.Valid, ""},
		// Not counted (RFC 5280, Java), so the path validates; but without
		// an AKID the self-issued CA looks self-signed to OpenSSL, which
		// stops there (openssl verify: error 19): stacks disagree.
		{"a self-issued intermediate does not count", "leaf-roll", []string{"roll"}, "root0", n(0), chain.StacksDisagree, ""},
		{"no bound", "leaf", []string{"inter"}, "root", nil, chain.Valid, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var rest []*x509.Certificate
			for _, id := range tc.rest {
				rest = append(rest, c(id))
			}
			v := chain.Validate(c(tc.leaf), rest, chain.VerifyOptions{Anchors: []*x509.Certificate{c(tc.anchor)}, At: base, MaxIntermediates: tc.max})
			if v.Reason != tc.reason || (tc.errText != "" && (v.Err == nil || v.Err.Error() != tc.errText)) {
				t.Errorf("%s: %v", v.Reason, v.Err)
			}
		})
	}
}

// Why no path reaches an anchor, in the greedy walk's words.
func TestUnknownAuthorityWords(t *testing.T) {
	p := verdictPKI(t)
	c := func(id string) *x509.Certificate { return p.Certs[id].Cert }
	cases := []struct {
		name    string
		leaf    string
		rest    []string
		anchors []string
		reason  chain.Reason
		fault   string
		text    string
	}{
		{"the root is not trusted", "leaf", []string{"inter", "root"}, []string{"other"}, chain.UnknownAuthority, "root",
			`the path ends at "Root-CA", which is not a trusted root`},
		{"an issuer is missing", "leaf", nil, []string{"other"}, chain.UnknownAuthority, "leaf",
			`"oment-310.example.com" is issued by "CN=Inter-CA1,O=Example Corp", which is neither given nor trusted`},
		{"a link is broken", "leaf", []string{"inter-forged"}, []string{"other"}, chain.BadSignature, "leaf",
			`"oment-310.example.com" names "Inter-CA1" as its issuer, but that certificate's key did not sign it`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var rest, anchors []*x509.Certificate
			for _, id := range tc.rest {
				rest = append(rest, c(id))
			}
			for _, id := range tc.anchors {
				anchors = append(anchors, c(id))
			}
			v := chain.Validate(c(tc.leaf), rest, chain.VerifyOptions{Anchors: anchors, At: base, Usage: x509.ExtKeyUsageServerAuth})
			if v.Reason != tc.reason || v.Cert == nil || !v.Cert.Equal(c(tc.fault)) || v.Err == nil || !strings.Contains(v.Err.Error(), tc.text) || v.Path != nil {
				t.Errorf("%s at %v: %v", v.Reason, v.Cert != nil, v.Err)
			}
		})
	}
}

// The model's edges: an anchor without Basic Constraints is judged on its
// own validity; a bracketed IPv6 name is a name; a leaf that is itself
// the anchor needs no path.
func TestValidateEdges(t *testing.T) {
	noBC := func(c *x509.Certificate) { c.BasicConstraintsValid, c.IsCA = false, false }
	p := fixtures.MustBuild(base,
		fixtures.Spec{ID: "old", CN: "Old-Root", CA: true, Mutate: noBC, NotBefore: base.AddDate(-5, 0, 0), NotAfter: base.AddDate(0, 0, -1)},
		fixtures.Spec{ID: "inter", CN: "Inter-CA1", Issuer: "old", CA: true},
		fixtures.Spec{ID: "leaf", CN: "ome", Issuer: "inter", IPs: []net.IP{net.ParseIP("2001:db8::7")}},
		fixtures.Spec{ID: "self", CN: "self", Mutate: noBC},
		fixtures.Spec{ID: "root", CN: "Root-CA", CA: true},
		fixtures.Spec{ID: "inter2", CN: "Inter-CA2", Issuer: "root", CA: true},
		fixtures.Spec{ID: "leaf2", CN: "ome2", Issuer: "inter2", IPs: []net.IP{net.ParseIP("2001:db8::7")}},
	)
	c := func(id string) *x509.Certificate { return p.Certs[id].Cert }
	v := chain.Validate(c("leaf"), []*x509.Certificate{c("inter")}, chain.VerifyOptions{Anchors: []*x509.Certificate{c("old")}, At: base})
	if v.Reason != chain.Expired || v.Cert == nil || !v.Cert.Equal(c("old")) || !strings.Contains(v.Err.Error(), `the trust anchor "Old-Root" is not valid at 2026-11-23T09:00:00Z`) {
		t.Errorf("an expired anchor without Basic Constraints: %s, %v", v.Reason, v.Err)
	}
	if v := chain.Validate(c("leaf"), []*x509.Certificate{c("inter")}, chain.VerifyOptions{Anchors: []*x509.Certificate{c("old")}, At: base.AddDate(0, 0, -2)}); !v.OK() {
		t.Errorf("the same, while the anchor was valid: %s, %v", v.Reason, v.Err)
	}
	if v := chain.Validate(c("self"), nil, chain.VerifyOptions{Anchors: []*x509.Certificate{c("self")}, At: base}); !v.OK() || len(v.Path) != 1 {
		t.Errorf("a leaf without Basic Constraints that is its own anchor: %s, %v", v.Reason, v.Err)
	}
	for _, name := range []string{"[2001:db8::7]", "2001:db8::7"} {
		if v := chain.Validate(c("leaf2"), []*x509.Certificate{c("inter2")}, chain.VerifyOptions{Anchors: []*x509.Certificate{c("root")}, At: base, Name: name}); !v.OK() {
			t.Errorf("name %s: %s, %v", name, v.Reason, v.Err)
		}
	}
	if v := chain.Validate(c("leaf2"), []*x509.Certificate{c("inter2")}, chain.VerifyOptions{Anchors: []*x509.Certificate{c("root")}, At: base, Name: "[2001:db8::8]"}); v.Reason != chain.HostName {
		t.Errorf("another address: %s, %v", v.Reason, v.Err)
	}
}

// Two CAs with name constraints: crypto/x509's choice (the leaf) stands.
func TestNameConstraintsTwoCAs(t *testing.T) {
	permit := func(dom string) func(*x509.Certificate) {
		return func(c *x509.Certificate) { c.PermittedDNSDomains, c.PermittedDNSDomainsCritical = []string{dom}, true }
	}
	p := fixtures.MustBuild(base,
		fixtures.Spec{ID: "root", CN: "Root-CA", CA: true},
		fixtures.Spec{ID: "i1", CN: "I1", Issuer: "root", CA: true, Mutate: permit("corp.example")},
		fixtures.Spec{ID: "i2", CN: "I2", Issuer: "i1", CA: true, Mutate: permit("corp.example")},
		fixtures.Spec{ID: "leaf", CN: "ome.lab.test", Issuer: "i2", DNS: []string{"ome.lab.test"}},
	)
	v := chain.Validate(p.Certs["leaf"].Cert, p.Chain("i2", "i1"), chain.VerifyOptions{Anchors: p.Chain("root"), At: base, Usage: x509.ExtKeyUsageServerAuth})
	if v.Reason != chain.NameConstraints || v.Cert == nil || !v.Cert.Equal(p.Certs["leaf"].Cert) {
		t.Errorf("%s at %v: %v", v.Reason, v.Cert != nil, v.Err)
	}
}

// The verdict cache answers the same question with the same verdict, and
// a different question (intermediates bound, presented certificates,
// anchors) afresh.
func TestSigCacheQuestions(t *testing.T) {
	p := verdictPKI(t)
	c := func(id string) *x509.Certificate { return p.Certs[id].Cert }
	n := 0
	cache := chain.NewCountingSigCache(&n)
	one := 1
	o := chain.VerifyOptions{Anchors: p.Chain("root"), At: base, Usage: x509.ExtKeyUsageServerAuth, Cache: cache}
	bounded := o
	bounded.MaxIntermediates = &one
	zero := 0
	none := o
	none.MaxIntermediates = &zero
	if v := chain.Validate(c("leaf"), p.Chain("inter"), none); v.Reason != chain.PathLength {
		t.Fatalf("no intermediates allowed: %s", v.Reason)
	}
	if v := chain.Validate(c("leaf"), p.Chain("inter"), bounded); !v.OK() {
		t.Errorf("one allowed, after none: %s (the answer to another question)", v.Reason)
	}
	if v := chain.Validate(c("leaf"), p.Chain("inter"), o); !v.OK() {
		t.Errorf("no bound, after a bound: %s", v.Reason)
	}
	if v := chain.Validate(c("leaf"), p.Chain("inter-forged"), o); v.Reason != chain.BadSignature {
		t.Errorf("other presented certificates: %s", v.Reason)
	}
	if v := chain.Validate(c("leaf"), p.Chain("inter", "inter"), o); !v.OK() {
		t.Errorf("the same set, one twice: %s", v.Reason)
	}
	// Judge with given anchors does not answer Validate's question with
	// the file's own anchors.
	certs := p.Chain("leaf", "inter", "root")
	if _, v := chain.Judge(certs, chain.VerifyOptions{Anchors: p.Chain("other"), At: base, Usage: x509.ExtKeyUsageServerAuth, Cache: cache}); v.Reason != chain.UnknownAuthority {
		t.Fatalf("Judge with another anchor: %s", v.Reason)
	}
	if v := chain.Validate(certs[0], certs, chain.VerifyOptions{Anchors: p.Chain("root"), At: base, Usage: x509.ExtKeyUsageServerAuth, Cache: cache}); !v.OK() {
		t.Errorf("Validate with the file's root after Judge with another: %s", v.Reason)
	}
	if _, v := chain.Judge(nil, o); v.Reason != chain.NoAnchor || !errors.Is(v.Err, chain.ErrNoAnchor) {
		t.Errorf("Judge of nothing: %s", v.Reason)
	}
}

// Judge's Path: a path to an anchor given in the file that is no root
// names what is above it; a walk that reaches a given anchor only through
// a broken link shows the file's part and blames no certificate outside it.
func TestJudgePath(t *testing.T) {
	p := verdictPKI(t)
	certs := p.Chain("leaf", "inter")
	path, v := chain.Judge(certs, chain.VerifyOptions{Anchors: p.Chain("inter"), At: base, Usage: x509.ExtKeyUsageServerAuth})
	// Java trusts an intermediate given as an anchor; OpenSSL without
	// partial-chain verification (Apache sets none) looks for its issuer.
	if v.Reason != chain.StacksDisagree || !strings.Contains(v.Err.Error(), "not a self-signed root") || fmt.Sprint(path.Order) != "[0 1]" || path.Root || path.Anchor != nil || path.MissingIssuer != "CN=Root-CA,O=Example Corp" {
		t.Errorf("anchored at the file's intermediate: %s (%v), %+v", v.Reason, v.Err, path)
	}
	certs = p.Chain("leaf")
	path, v = chain.Judge(certs, chain.VerifyOptions{Anchors: p.Chain("inter-forged"), At: base, Usage: x509.ExtKeyUsageServerAuth})
	if v.Reason != chain.BadSignature || fmt.Sprint(path.Order) != "[0]" || len(path.BrokenLinks) != 0 || path.Anchor != nil || path.Exhausted {
		t.Errorf("a forged anchor: %s, %+v", v.Reason, path)
	}
	certs = p.Chain("leaf", "inter-forged", "root")
	path, v = chain.Judge(certs, chain.VerifyOptions{At: base, Usage: x509.ExtKeyUsageServerAuth})
	if v.Reason != chain.BadSignature || fmt.Sprint(path.Order) != "[0 1 2]" || len(path.BrokenLinks) != 1 || !path.Root || path.MissingIssuer != "" {
		t.Errorf("a forged intermediate in the file: %s, %+v", v.Reason, path)
	}
}

// BuildPath's choices: which certificate is the leaf, where the walk ends,
// and the roles it gives.
func TestBuildPathChoices(t *testing.T) {
	p := pki(t)
	q := fixtures.MustBuild(base,
		fixtures.Spec{ID: "root", CN: "Root-CA", CA: true, KeySlot: 90},
		fixtures.Spec{ID: "forged", CN: "Inter-CA1", Issuer: "root", CA: true, KeySlot: 91},
		fixtures.Spec{ID: "nowhere-ca", CN: "Nowhere-CA", CA: true, KeySlot: 93},
		fixtures.Spec{ID: "stray", CN: "stray", Issuer: "nowhere-ca", KeySlot: 92},
	)
	leaf, inter, root := p.Certs["leaf"].Cert, p.Certs["inter"].Cert, p.Certs["root"].Cert
	t.Run("from a given leaf", func(t *testing.T) {
		certs := []*x509.Certificate{inter, leaf, root}
		if got := chain.BuildPathFrom(certs, 0); fmt.Sprint(got.Order) != "[0 2]" || !got.Root {
			t.Errorf("from index 0: %+v", got)
		}
		if got := chain.BuildPathFrom(certs, 1); fmt.Sprint(got.Order) != "[1 0 2]" {
			t.Errorf("from index 1: %+v", got)
		}
	})
	t.Run("an end entity before a CA", func(t *testing.T) {
		certs := []*x509.Certificate{p.Certs["other"].Cert, inter, leaf, root}
		if got := chain.BuildPath(certs); fmt.Sprint(got.Order) != "[2 1 3]" || fmt.Sprint(got.Unrelated) != "[0]" {
			t.Errorf("%+v", got)
		}
	})
	t.Run("the leaf with the longer walk", func(t *testing.T) {
		certs := []*x509.Certificate{q.Certs["stray"].Cert, leaf, inter, root}
		if got := chain.BuildPath(certs); fmt.Sprint(got.Order) != "[1 2 3]" || fmt.Sprint(got.Unrelated) != "[0]" {
			t.Errorf("%+v", got)
		}
	})
	t.Run("equal walks: the first", func(t *testing.T) {
		certs := []*x509.Certificate{q.Certs["stray"].Cert, p.Certs["leaf"].Cert}
		if got := chain.BuildPath(certs); fmt.Sprint(got.Order) != "[0]" || got.MissingIssuer != "CN=Nowhere-CA,O=Example Corp" {
			t.Errorf("%+v", got)
		}
	})
	t.Run("a broken link, then the root", func(t *testing.T) {
		certs := []*x509.Certificate{leaf, q.Certs["forged"].Cert, q.Certs["root"].Cert}
		got := chain.BuildPath(certs)
		if fmt.Sprint(got.Order) != "[0 1 2]" || !got.Root || got.MissingIssuer != "" || len(got.BrokenLinks) != 1 || got.BrokenLinks[0].Child != 0 {
			t.Errorf("%+v", got)
		}
	})
	t.Run("Leaf", func(t *testing.T) {
		if (chain.Path{}).Leaf(nil) != nil {
			t.Error("an empty path has a leaf")
		}
		if got := chain.BuildPath([]*x509.Certificate{inter, leaf}); !got.Leaf([]*x509.Certificate{inter, leaf}).Equal(leaf) {
			t.Error("the leaf is not the path's first")
		}
	})
}

// Roles on and off the path.
func TestRoles(t *testing.T) {
	p := pki(t)
	q := fixtures.MustBuild(base, fixtures.Spec{ID: "self", CN: "ome.example"}, fixtures.Spec{ID: "nowhere", CN: "Nowhere", CA: true},
		fixtures.Spec{ID: "int", CN: "Int", Issuer: "nowhere", CA: true}, fixtures.Spec{ID: "ee", CN: "ee", Issuer: "nowhere"})
	leaf, inter, root, other := p.Certs["leaf"].Cert, p.Certs["inter"].Cert, p.Certs["root"].Cert, p.Certs["other"].Cert
	cases := []struct {
		name  string
		certs []*x509.Certificate
		want  string
	}{
		{"whole chain", []*x509.Certificate{leaf, inter, root}, "leaf intermediate root"},
		{"no root", []*x509.Certificate{leaf, inter}, "leaf intermediate"},
		{"a lone self-signed end entity", []*x509.Certificate{q.Certs["self"].Cert}, "leaf"},
		{"a lone root", []*x509.Certificate{root}, "root"},
		{"a lone intermediate", []*x509.Certificate{inter}, "leaf"},
		{"off the path", []*x509.Certificate{leaf, inter, root, other, q.Certs["int"].Cert, q.Certs["ee"].Cert}, "leaf intermediate root root intermediate leaf"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := chain.BuildPath(tc.certs)
			var roles []string
			for i := range tc.certs {
				roles = append(roles, path.Role(tc.certs, i))
				info := chain.DescribeCert(tc.certs, path, i)
				on := false
				for k, j := range path.Order {
					if j == i {
						on = info.PathPosition != nil && *info.PathPosition == k
					}
				}
				if on != (info.PathPosition != nil) || info.Role != roles[i] || info.Index != i {
					t.Errorf("DescribeCert %d: %+v", i, info)
				}
			}
			if got := strings.Join(roles, " "); got != tc.want {
				t.Errorf("roles %q, want %q", got, tc.want)
			}
		})
	}
}

// A path longer than the search takes is walked as far as the walk goes
// (4*MaxPathLen+1 certificates), and no root is claimed.
func TestLongLineWalked(t *testing.T) {
	specs := []fixtures.Spec{{ID: "c59", CN: "C59", CA: true, KeyType: fixtures.ECDSAP256, KeySlot: 2000}}
	for i := 58; i >= 0; i-- {
		specs = append(specs, fixtures.Spec{ID: fmt.Sprint("c", i), CN: fmt.Sprint("C", i), Issuer: fmt.Sprint("c", i+1), CA: i > 0, KeyType: fixtures.ECDSAP256, KeySlot: 2000 + i + 1})
	}
	p := fixtures.MustBuild(base, specs...)
	var certs []*x509.Certificate
	for i := 0; i < 60; i++ {
		certs = append(certs, p.Certs[fmt.Sprint("c", i)].Cert)
	}
	got := chain.BuildPath(certs)
	if len(got.Order) != 4*chain.MaxPathLen+1 || got.Root || got.MissingIssuer != fmt.Sprintf("CN=C%d,O=Example Corp", 4*chain.MaxPathLen+1) || len(got.BrokenLinks) != 0 {
		t.Errorf("%d certificates, root %v, missing %q, broken %v", len(got.Order), got.Root, got.MissingIssuer, got.BrokenLinks)
	}
}
