package chain_test

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"net"
	"strings"
	"testing"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"

	"github.com/ome-preflight/ome-preflight/chain"
	"github.com/ome-preflight/ome-preflight/fixtures"
)

// verdictPKI names every shape the verdict's reasons are about.
func verdictPKI(t testing.TB) *fixtures.PKI {
	t.Helper()
	sha1 := func(c *x509.Certificate) { c.SignatureAlgorithm = x509.SHA1WithRSA }
	critical := func(c *x509.Certificate) {
		c.ExtraExtensions = append(c.ExtraExtensions, pkixExt(asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 1}, true))
	}
	return fixtures.MustBuild(base,
		fixtures.Spec{ID: "root", CN: "Root-CA", CA: true, KeySlot: 60},
		fixtures.Spec{ID: "root0", CN: "Root0-CA", CA: true, KeySlot: 61, Mutate: func(c *x509.Certificate) { c.MaxPathLen, c.MaxPathLenZero = 0, true }},
		fixtures.Spec{ID: "other", CN: "Other-Root", CA: true, KeySlot: 62},
		fixtures.Spec{ID: "inter", CN: "Inter-CA1", Issuer: "root", CA: true, KeySlot: 63},
		fixtures.Spec{ID: "inter-sha1", CN: "Inter-CA1", Issuer: "root", CA: true, KeySlot: 63, Mutate: sha1},
		fixtures.Spec{ID: "inter-expired", CN: "Inter-CA1", Issuer: "root", CA: true, KeySlot: 63, NotBefore: base.AddDate(-3, 0, 0), NotAfter: base.AddDate(0, 0, -1)},
		fixtures.Spec{ID: "inter-notca", CN: "Inter-CA1", Issuer: "root", KeySlot: 63, EKU: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}},
		fixtures.Spec{ID: "inter-email", CN: "Inter-CA1", Issuer: "root", CA: true, KeySlot: 63, EKU: []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection}},
		fixtures.Spec{ID: "inter-nc", CN: "Inter-CA1", Issuer: "root", CA: true, KeySlot: 63, Mutate: func(c *x509.Certificate) {
			c.PermittedDNSDomains, c.PermittedDNSDomainsCritical = []string{"elsewhere.example"}, true
		}},
		fixtures.Spec{ID: "inter-forged", CN: "Inter-CA1", Issuer: "root", CA: true, KeySlot: 64},
		fixtures.Spec{ID: "inter0", CN: "Inter-CA1", Issuer: "root0", CA: true, KeySlot: 63},
		// A key rollover: self-issued under root0's name, with a new key.
		fixtures.Spec{ID: "roll", CN: "Root0-CA", Issuer: "root0", CA: true, KeySlot: 65},
		fixtures.Spec{ID: "leaf", CN: "oment-310.example.com", Issuer: "inter", KeySlot: 66},
		fixtures.Spec{ID: "leaf-roll", CN: "oment-310.example.com", Issuer: "roll", KeySlot: 66},
		fixtures.Spec{ID: "leaf-client", CN: "oment-310.example.com", Issuer: "inter", KeySlot: 66, EKU: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}},
		fixtures.Spec{ID: "leaf-early", CN: "oment-310.example.com", Issuer: "inter", KeySlot: 66, NotBefore: base.AddDate(0, 0, 1)},
		fixtures.Spec{ID: "leaf-critical", CN: "oment-310.example.com", Issuer: "inter", KeySlot: 66, Mutate: critical},
	)
}

// The verdict's reason and certificate at fault come from crypto/x509's
// error types and the path's facts, one case per reason.
func TestVerdictReasons(t *testing.T) {
	p := verdictPKI(t)
	c := func(id string) *x509.Certificate { return p.Certs[id].Cert }
	cases := []struct {
		name    string
		leaf    string
		rest    []string
		anchors []string
		usage   x509.ExtKeyUsage
		host    string
		reason  chain.Reason
		fault   string
	}{
		{"valid", "leaf", []string{"inter"}, []string{"root"}, x509.ExtKeyUsageServerAuth, "", chain.Valid, ""},
		{"expired intermediate", "leaf", []string{"inter-expired"}, []string{"root"}, x509.ExtKeyUsageServerAuth, "", chain.Expired, "inter-expired"},
		{"leaf not yet valid", "leaf-early", []string{"inter"}, []string{"root"}, x509.ExtKeyUsageServerAuth, "", chain.NotYetValid, "leaf-early"},
		{"SHA-1 intermediate", "leaf", []string{"inter-sha1"}, []string{"root"}, x509.ExtKeyUsageServerAuth, "", chain.WeakSignature, "inter-sha1"},
		{"issuer not a CA", "leaf", []string{"inter-notca"}, []string{"root"}, x509.ExtKeyUsageServerAuth, "", chain.CAUsage, "inter-notca"},
		{"leaf EKU", "leaf-client", []string{"inter"}, []string{"root"}, x509.ExtKeyUsageServerAuth, "", chain.ExtKeyUsage, "leaf-client"},
		{"CA EKU", "leaf", []string{"inter-email"}, []string{"root"}, x509.ExtKeyUsageServerAuth, "", chain.ExtKeyUsage, "inter-email"},
		{"name constraints", "leaf", []string{"inter-nc"}, []string{"root"}, x509.ExtKeyUsageServerAuth, "", chain.NameConstraints, "inter-nc"},
		{"path length", "leaf", []string{"inter0"}, []string{"root0"}, x509.ExtKeyUsageServerAuth, "", chain.PathLength, "root0"},
		{"host name", "leaf", []string{"inter"}, []string{"root"}, x509.ExtKeyUsageServerAuth, "ome-400.example.com", chain.HostName, "leaf"},
		{"unknown authority", "leaf", []string{"inter"}, []string{"other"}, x509.ExtKeyUsageServerAuth, "", chain.UnknownAuthority, "inter"},
		{"bad signature", "leaf", []string{"inter-forged"}, []string{"root"}, x509.ExtKeyUsageServerAuth, "", chain.BadSignature, "leaf"},
		{"critical extension", "leaf-critical", []string{"inter"}, []string{"root"}, x509.ExtKeyUsageServerAuth, "", chain.CriticalExtension, "leaf-critical"},
		{"self-issued intermediate against pathLen: not counted, but OpenSSL stops at it", "leaf-roll", []string{"roll"}, []string{"root0"}, x509.ExtKeyUsageServerAuth, "", chain.StacksDisagree, ""},
		{"no anchor", "leaf", []string{"inter"}, nil, x509.ExtKeyUsageServerAuth, "", chain.NoAnchor, ""},
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
			v := chain.Validate(c(tc.leaf), rest, chain.VerifyOptions{Anchors: anchors, At: base, Usage: tc.usage, Name: tc.host})
			if v.Reason != tc.reason {
				t.Fatalf("reason %s (%v), want %s", v.Reason, v.Err, tc.reason)
			}
			if v.OK() != (tc.reason == chain.Valid) || (v.Err == nil) != (tc.reason == chain.Valid) {
				t.Errorf("OK %v, Err %v: only a valid verdict passes", v.OK(), v.Err)
			}
			if tc.fault != "" && (v.Cert == nil || !v.Cert.Equal(c(tc.fault))) {
				name := "<nil>"
				if v.Cert != nil {
					name = chain.Name(v.Cert)
				}
				t.Errorf("certificate at fault %s, want %s", name, tc.fault)
			}
			// chain.Verify, which the credential gate and the mutual
			// handshake use, passes exactly what Validate calls valid.
			if err := chain.Verify(c(tc.leaf), rest, anchors, base, tc.usage); (err == nil) != (tc.reason == chain.Valid || tc.reason == chain.HostName) {
				t.Errorf("chain.Verify: %v", err)
			}
		})
	}
	// The verdict that is not a pass still shows the path it judged.
	v := chain.Validate(c("leaf-roll"), []*x509.Certificate{c("roll")}, chain.VerifyOptions{Anchors: []*x509.Certificate{c("root0")}, At: base, Usage: x509.ExtKeyUsageServerAuth})
	if v.Reason != chain.StacksDisagree || v.OK() || len(v.Path) != 3 {
		t.Errorf("stacks disagree: %s, error %v (%T), path %d; want the path judged", v.Reason, v.Err, v.Err, len(v.Path))
	}
}

// A path never holds the same CA twice, by subject and key (RFC 4158): a
// cross-certificate loop C -> A -> C' is not a path, whatever the file
// order.
func TestLoopDetectionBySubjectAndKey(t *testing.T) {
	p := fixtures.MustBuild(base,
		fixtures.Spec{ID: "root", CN: "Root-CA", CA: true, KeySlot: 70},
		fixtures.Spec{ID: "c1", CN: "C-CA", Issuer: "root", CA: true, KeySlot: 71},
		fixtures.Spec{ID: "a", CN: "A-CA", Issuer: "c1", CA: true, KeySlot: 72},
		fixtures.Spec{ID: "c2", CN: "C-CA", Issuer: "a", CA: true, KeySlot: 71},
		fixtures.Spec{ID: "leaf", CN: "oment-310.example.com", Issuer: "c1", KeySlot: 73},
	)
	for _, order := range [][]string{{"leaf", "c2", "a", "c1", "root"}, {"leaf", "c1", "c2", "a", "root"}} {
		certs := p.Chain(order...)
		path, v := chain.Judge(certs, chain.VerifyOptions{At: base, Usage: x509.ExtKeyUsageServerAuth})
		if !v.OK() || len(v.Path) != 3 || !v.Path[1].Equal(p.Certs["c1"].Cert) {
			t.Errorf("%v: verdict %s, path %s; want leaf -> C-CA (from root) -> root", order, v.Reason, names(certs, path.Order))
		}
	}
}

// The path check shows is the path it judged: an intermediate that fails
// (name constraints) listed first does not hide the one that validates,
// and when every path fails, the one reported avoids weak signatures.
func TestJudgeShowsTheJudgedPath(t *testing.T) {
	p := verdictPKI(t)
	certs := p.Chain("leaf", "inter", "inter-nc", "root")
	path, v := chain.Judge(certs, chain.VerifyOptions{At: base, Usage: x509.ExtKeyUsageServerAuth})
	if !v.OK() || len(path.Order) != 3 || path.Order[1] != 1 || !path.Root {
		t.Errorf("verdict %s (%v), path %s; want the valid path through the unconstrained intermediate", v.Reason, v.Err, names(certs, path.Order))
	}
	// Listed first, the constrained intermediate is OpenSSL's path (it
	// does not backtrack): the path shown is still the valid one, and the
	// verdict says the stacks disagree, naming the intermediate to drop.
	certs = p.Chain("leaf", "inter-nc", "inter", "root")
	path, v = chain.Judge(certs, chain.VerifyOptions{At: base, Usage: x509.ExtKeyUsageServerAuth})
	if v.Reason != chain.StacksDisagree || v.Cert == nil || !v.Cert.Equal(certs[1]) || len(path.Order) != 3 || path.Order[1] != 2 || !path.Root {
		t.Errorf("verdict %s at %v (%v), path %s; want stacks disagree naming the constrained intermediate, path through the other", v.Reason, v.Cert, v.Err, names(certs, path.Order))
	}
	// Both paths fail on the host name: the one shown is not the SHA-1 one.
	certs = p.Chain("leaf", "inter-sha1", "inter", "root")
	path, v = chain.Judge(certs, chain.VerifyOptions{At: base, Usage: x509.ExtKeyUsageServerAuth, Name: "ome-400.example.com"})
	if v.Reason != chain.HostName || path.Order[1] != 2 {
		t.Errorf("verdict %s, path %s; want host name, through the SHA-256 intermediate", v.Reason, names(certs, path.Order))
	}
	// Anchors given apart from the file (--ca): the path ends at one, not
	// in the file's order.
	certs = p.Chain("leaf", "inter")
	path, v = chain.Judge(certs, chain.VerifyOptions{At: base, Usage: x509.ExtKeyUsageServerAuth, Anchors: p.Chain("root")})
	if !v.OK() || len(path.Order) != 2 || path.Anchor == nil || !path.Anchor.Equal(p.Certs["root"].Cert) {
		t.Errorf("with a given anchor: verdict %s, path %s, anchor %v", v.Reason, names(certs, path.Order), path.Anchor != nil)
	}
}

// A SigCache passed to several verdicts of one run verifies each link once.
func TestSigCacheSharesLinks(t *testing.T) {
	p := verdictPKI(t)
	n := 0
	cache := chain.NewCountingSigCache(&n)
	certs := p.Chain("leaf", "inter", "root")
	o := chain.VerifyOptions{Anchors: p.Chain("root"), At: base, Usage: x509.ExtKeyUsageServerAuth, Cache: cache}
	if v := chain.Validate(certs[0], certs, o); !v.OK() {
		t.Fatal(v.Err)
	}
	first := n
	if first == 0 {
		t.Fatal("the cache checked no signature")
	}
	o.Usage = x509.ExtKeyUsageClientAuth
	if v := chain.Validate(certs[0], certs, o); !v.OK() {
		t.Fatal(v.Err)
	}
	if _, v := chain.Judge(certs, o); !v.OK() {
		t.Fatal(v.Err)
	}
	if n != first {
		t.Errorf("%d signature checks after the first verdict's %d; want none new", n-first, first)
	}
}

func pkixExt(id asn1.ObjectIdentifier, critical bool) pkix.Extension {
	return pkix.Extension{Id: id, Critical: critical, Value: []byte{0x05, 0x00}}
}

// Where OME's stacks (OpenSSL and Java) decide otherwise than crypto/x509,
// the verdict models them: a host name matched by the CN when the leaf has
// no dNSName SAN (valid, with a caveat), DNS name constraints applied to
// such a CN, and what both stacks refuse that crypto/x509 takes (an empty
// EKU extension here; a critical AIA and an extension twice cannot be
// built with crypto/x509: x509-limbo's rfc5280::ee-critical-aia-invalid
// and rfc5280::duplicate-extensions hold those, in limbo_test.go).
func TestVerdictModelsOMEStacks(t *testing.T) {
	ipOnly := func(c *x509.Certificate) { c.DNSNames, c.IPAddresses = nil, []net.IP{net.ParseIP("192.0.2.10")} }
	p := fixtures.MustBuild(base,
		fixtures.Spec{ID: "root", CN: "Root-CA", CA: true, KeySlot: 90},
		fixtures.Spec{ID: "inter", CN: "Inter-CA1", Issuer: "root", CA: true, KeySlot: 91},
		fixtures.Spec{ID: "nc", CN: "NC-CA", Issuer: "root", CA: true, KeySlot: 92, Mutate: func(c *x509.Certificate) {
			c.PermittedDNSDomains, c.PermittedDNSDomainsCritical = []string{"corp.example"}, true
		}},
		fixtures.Spec{ID: "cn-only", CN: "ome.lab.test", Issuer: "inter", KeySlot: 93, Mutate: ipOnly},
		fixtures.Spec{ID: "cn-under-nc", CN: "ome.lab.test", Issuer: "nc", KeySlot: 93, Mutate: ipOnly},
		fixtures.Spec{ID: "cn-ok-under-nc", CN: "ome.corp.example", Issuer: "nc", KeySlot: 93, Mutate: ipOnly},
		fixtures.Spec{ID: "empty-eku", CN: "ome.lab.test", Issuer: "inter", KeySlot: 93, Mutate: func(c *x509.Certificate) {
			c.ExtKeyUsage = nil
			c.ExtraExtensions = append(c.ExtraExtensions, pkix.Extension{Id: asn1.ObjectIdentifier{2, 5, 29, 37}, Value: []byte{0x30, 0x00}})
		}},
	)
	c := func(id string) *x509.Certificate { return p.Certs[id].Cert }
	validate := func(leaf, inter, name string) chain.Verdict {
		return chain.Validate(c(leaf), []*x509.Certificate{c(inter)}, chain.VerifyOptions{Anchors: []*x509.Certificate{c("root")}, At: base, Usage: x509.ExtKeyUsageServerAuth, Name: name})
	}
	if v := validate("cn-only", "inter", "ome.lab.test"); !v.OK() || len(v.Caveats) != 1 || !strings.Contains(v.Caveats[0], "common name") {
		t.Errorf("host name in the CN, IP-only SAN: %s (%v), caveats %q; want valid with a caveat", v.Reason, v.Err, v.Caveats)
	}
	if v := validate("cn-only", "inter", "OME.LAB.TEST"); !v.OK() {
		t.Errorf("the CN matches without regard to case: %s", v.Reason)
	}
	if v := validate("cn-only", "inter", "other.lab.test"); v.Reason != chain.HostName {
		t.Errorf("another host name: %s; want host name", v.Reason)
	}
	if v := validate("cn-under-nc", "nc", ""); v.Reason != chain.NameConstraints || v.Cert == nil || !v.Cert.Equal(c("nc")) {
		t.Errorf("a CN outside the DNS name constraints: %s (%v); want name constraints, NC-CA at fault", v.Reason, v.Err)
	}
	if v := validate("cn-ok-under-nc", "nc", ""); !v.OK() {
		t.Errorf("a CN inside the DNS name constraints: %s (%v)", v.Reason, v.Err)
	}
	if v := validate("empty-eku", "inter", ""); v.Reason != chain.ExtKeyUsage {
		t.Errorf("an empty EKU extension: %s (%v); want extended key usage", v.Reason, v.Err)
	}
}

// A leaf with an otherName SAN under a critical otherName name constraint:
// both OpenSSL and Java refuse it (they cannot evaluate it), so it is a
// refusal naming the CA, not "cannot judge".
func TestOtherNameUnderConstraintIsRefused(t *testing.T) {
	otherName := func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
			b.AddASN1ObjectIdentifier(asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 20, 2, 3})
			b.AddASN1(cbasn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
				b.AddASN1(cbasn1.UTF8String, func(b *cryptobyte.Builder) { b.AddBytes([]byte("ome@corp.example")) })
			})
		})
	}
	var san, nc cryptobyte.Builder
	san.AddASN1(cbasn1.SEQUENCE, otherName)
	nc.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.SEQUENCE, otherName)
		})
	})
	p := fixtures.MustBuild(base,
		fixtures.Spec{ID: "root", CN: "Root-CA", CA: true, KeySlot: 95},
		fixtures.Spec{ID: "nc", CN: "NC-CA", Issuer: "root", CA: true, KeySlot: 96, Mutate: func(c *x509.Certificate) {
			c.ExtraExtensions = append(c.ExtraExtensions, pkix.Extension{Id: asn1.ObjectIdentifier{2, 5, 29, 30}, Critical: true, Value: nc.BytesOrPanic()})
		}},
		fixtures.Spec{ID: "leaf", CN: "OMENT-310", Issuer: "nc", KeySlot: 97, Mutate: func(c *x509.Certificate) {
			c.DNSNames = nil
			c.ExtraExtensions = append(c.ExtraExtensions, pkix.Extension{Id: asn1.ObjectIdentifier{2, 5, 29, 17}, Value: san.BytesOrPanic()})
		}},
		fixtures.Spec{ID: "plain", CN: "OMENT-400", Issuer: "nc", KeySlot: 97},
	)
	c := func(id string) *x509.Certificate { return p.Certs[id].Cert }
	o := chain.VerifyOptions{Anchors: []*x509.Certificate{c("root")}, At: base, Usage: x509.ExtKeyUsageServerAuth}
	if v := chain.Validate(c("leaf"), []*x509.Certificate{c("nc")}, o); v.Reason != chain.NameConstraints || v.Cert == nil || !v.Cert.Equal(c("nc")) {
		t.Errorf("otherName SAN under the otherName constraint: %s (%v); want name constraints at NC-CA", v.Reason, v.Err)
	}
	// Without an otherName SAN the constraint cannot be judged by
	// crypto/x509 and both stacks may accept: still not a pass.
	if v := chain.Validate(c("plain"), []*x509.Certificate{c("nc")}, o); v.Reason != chain.CannotJudge {
		t.Errorf("no otherName SAN: %s (%v); want cannot judge", v.Reason, v.Err)
	}
}

// An IP address in the CN, with no SAN of the kind: OpenSSL checks it as a
// DNS name against DNS constraints, Java as an IP address against IP
// constraints. When one refuses and the other accepts, the verdict is
// "stacks disagree", never valid, naming the CA.
func TestIPCommonNameWhereTheStacksDisagree(t *testing.T) {
	_, ipnet, _ := net.ParseCIDR("10.0.0.0/8")
	noSAN := func(c *x509.Certificate) { c.DNSNames, c.IPAddresses = nil, nil }
	p := fixtures.MustBuild(base,
		fixtures.Spec{ID: "root", CN: "Root-CA", CA: true, KeySlot: 100},
		fixtures.Spec{ID: "dns-nc", CN: "DNS-NC", Issuer: "root", CA: true, KeySlot: 101, Mutate: func(c *x509.Certificate) {
			c.PermittedDNSDomains, c.PermittedDNSDomainsCritical = []string{"corp.example"}, true
		}},
		fixtures.Spec{ID: "ip-nc", CN: "IP-NC", Issuer: "root", CA: true, KeySlot: 102, Mutate: func(c *x509.Certificate) {
			c.PermittedIPRanges, c.PermittedDNSDomainsCritical = []*net.IPNet{ipnet}, true
		}},
		fixtures.Spec{ID: "under-dns", CN: "192.0.2.10", Issuer: "dns-nc", KeySlot: 103, Mutate: noSAN},
		fixtures.Spec{ID: "under-ip", CN: "192.0.2.10", Issuer: "ip-nc", KeySlot: 103, Mutate: noSAN},
		fixtures.Spec{ID: "inside-ip", CN: "10.1.2.3", Issuer: "ip-nc", KeySlot: 103, Mutate: noSAN},
	)
	c := func(id string) *x509.Certificate { return p.Certs[id].Cert }
	o := chain.VerifyOptions{Anchors: []*x509.Certificate{c("root")}, At: base, Usage: x509.ExtKeyUsageServerAuth}
	for _, tc := range []struct{ leaf, ca, says string }{
		{"under-dns", "dns-nc", "OpenSSL refuses, Java accepts"},
		{"under-ip", "ip-nc", "Java refuses, OpenSSL accepts"},
	} {
		v := chain.Validate(c(tc.leaf), []*x509.Certificate{c(tc.ca)}, o)
		if v.OK() || v.Reason != chain.StacksDisagree || v.Cert == nil || !v.Cert.Equal(c(tc.ca)) || !strings.Contains(v.Err.Error(), tc.says) {
			t.Errorf("%s: %s (%v); want stacks disagree at %s saying %q", tc.leaf, v.Reason, v.Err, tc.ca, tc.says)
		}
	}
	if v := chain.Validate(c("inside-ip"), []*x509.Certificate{c("ip-nc")}, o); !v.OK() {
		t.Errorf("an IP CN inside the IP constraints, no DNS constraints: %s (%v); want valid", v.Reason, v.Err)
	}
}
