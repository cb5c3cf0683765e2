package pairing_test

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"strings"
	"testing"
	"time"

	"github.com/ome-preflight/ome-preflight/chain"
	"github.com/ome-preflight/ome-preflight/fixtures"
	"github.com/ome-preflight/ome-preflight/pairing"
	"github.com/ome-preflight/ome-preflight/report"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// "Cannot judge" (crypto/x509 refuses what Java may accept: here a
// critical directoryName name constraint, which crypto/x509 cannot
// evaluate) is never a pass: not in check's chain verdict, not in
// compare's trust matrix.
func TestCannotJudgeIsNeverAPass(t *testing.T) {
	dirNC := func(c *x509.Certificate) {
		// NameConstraints { permittedSubtrees [0] { GeneralSubtree { directoryName [4] O=Example Corp } } }
		var b cryptobyte.Builder
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
					b.AddASN1(cbasn1.Tag(4).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
						name, _ := asn1.Marshal(pkix.Name{Organization: []string{"Example Corp"}}.ToRDNSequence())
						b.AddBytes(name)
					})
				})
			})
		})
		c.ExtraExtensions = append(c.ExtraExtensions, pkix.Extension{Id: asn1.ObjectIdentifier{2, 5, 29, 30}, Critical: true, Value: b.BytesOrPanic()})
	}
	p := fixtures.MustBuild(base,
		fixtures.Spec{ID: "root", CN: "Root0-CA", CA: true},
		fixtures.Spec{ID: "roll", CN: "Inter0-CA", Issuer: "root", CA: true, Mutate: dirNC},
		fixtures.Spec{ID: "src", CN: "OMENT-310", Issuer: "roll"},
		fixtures.Spec{ID: "tgt", CN: "OMENT-400", Issuer: "roll"},
	)
	read := func(ids ...string) *chain.Input { return readChain(t, p, ids...) }
	r := pairing.Check(pairing.CheckOptions{Input: read("src", "roll", "root"), Mode: report.ModeMigration, At: base})
	if r.ChainVerdict == nil || r.ChainVerdict.Valid || r.ChainVerdict.Reason != "cannot judge" {
		t.Errorf("check chain_verdict %+v; want not valid, cannot judge", r.ChainVerdict)
	}
	for _, c := range r.Checks {
		if c.Rule == "chain-verify" && c.Status != report.Info {
			t.Errorf("chain-verify %s; want info (cannot judge)", c.Status)
		}
	}
	if r.Verdict != report.VerdictIncomplete {
		t.Errorf("check verdict %s; want incomplete (exit 3): a chain that cannot be judged is never a pass", r.Verdict)
	}
	cr := pairing.Compare(pairing.CompareOptions{Source: read("src", "roll", "root"), Target: read("tgt", "roll", "root"),
		SourceTime: base, TargetTime: base, Window: time.Hour})
	if len(cr.Trust) != 4 {
		t.Fatalf("%d trust entries", len(cr.Trust))
	}
	for _, tc := range cr.Trust {
		if tc.OK || !strings.Contains(tc.Error, "cannot judge") {
			t.Errorf("trust %s -> %s %s: ok %v (%s); want not ok, cannot judge", tc.Presenter, tc.Verifier, tc.Usage, tc.OK, tc.Error)
		}
	}
	for _, c := range cr.Checks {
		if c.Rule == "pair-trust" && c.Status != report.Warn {
			t.Errorf("pair-trust %s; want warn (not proven either way)", c.Status)
		}
	}
}

// check's chain verdict is the verdict of the path it shows: the file lists
// a constrained copy of the intermediate, the valid path goes through the
// other, and both the verdict and the path say so. Listed first, the
// constrained copy is the path OpenSSL builds (it does not backtrack): the
// verdict is then "stacks disagree", naming the copy to leave out.
func TestCheckShowsTheJudgedPath(t *testing.T) {
	p := fixtures.MustBuild(base,
		fixtures.Spec{ID: "root", CN: "Root-CA", CA: true, KeySlot: 80},
		fixtures.Spec{ID: "nc", CN: "Inter-CA1", Issuer: "root", CA: true, KeySlot: 81, Mutate: func(c *x509.Certificate) {
			c.PermittedDNSDomains, c.PermittedDNSDomainsCritical = []string{"elsewhere.example"}, true
		}},
		fixtures.Spec{ID: "inter", CN: "Inter-CA1", Issuer: "root", CA: true, KeySlot: 81},
		fixtures.Spec{ID: "leaf", CN: "OMENT-310", Issuer: "inter", KeySlot: 82},
	)
	for _, tc := range []struct {
		order         []string
		nc, inter     int
		valid         bool
		verify        report.Status
		reason, names string
	}{
		{[]string{"leaf", "inter", "nc", "root"}, 2, 1, true, report.Pass, "valid", ""},
		{[]string{"leaf", "nc", "inter", "root"}, 1, 2, false, report.Warn, "stacks disagree", "leave \"Inter-CA1\""},
	} {
		in, err := chain.Parse("chain.pem", fixtures.PEM(p.Chain(tc.order...)...), chain.Options{})
		if err != nil {
			t.Fatal(err)
		}
		r := pairing.Check(pairing.CheckOptions{Input: in, Mode: report.ModeServer, At: base})
		v := r.ChainVerdict
		if v.Valid != tc.valid || v.Reason != tc.reason || !strings.Contains(v.Error, tc.names) {
			t.Errorf("%v: chain verdict %+v; want valid %v, reason %q, naming %q", tc.order, v, tc.valid, tc.reason, tc.names)
		}
		if !tc.valid && (v.CertIndex == nil || *v.CertIndex != tc.nc) {
			t.Errorf("%v: the certificate at fault is %v; want the constrained copy, index %d", tc.order, v.CertIndex, tc.nc)
		}
		if r.Chain[tc.nc].PathPosition != nil || r.Chain[tc.inter].PathPosition == nil || *r.Chain[tc.inter].PathPosition != 1 {
			t.Errorf("%v: path %q: the constrained copy (index %d) is on it, or the other (index %d) is not", tc.order, r.Path, tc.nc, tc.inter)
		}
		for _, c := range r.Checks {
			if c.Rule == "chain-verify" && c.Status != tc.verify {
				t.Errorf("%v: chain-verify %s; want %s", tc.order, c.Status, tc.verify)
			}
		}
	}
}

// weak-signature judges the path: a SHA-1 certificate on it warns, one off
// it is chain-unrelated's finding only.
func TestWeakSignatureJudgesThePath(t *testing.T) {
	sha1 := func(c *x509.Certificate) { c.SignatureAlgorithm = x509.SHA1WithRSA }
	p := fixtures.MustBuild(base,
		fixtures.Spec{ID: "root", CN: "Root-CA", CA: true},
		fixtures.Spec{ID: "inter", CN: "Inter-CA1", Issuer: "root", CA: true},
		fixtures.Spec{ID: "stray", CN: "Stray-CA", Issuer: "root", CA: true, Mutate: sha1},
		fixtures.Spec{ID: "weak", CN: "Weak-CA", Issuer: "root", CA: true, Mutate: sha1},
		fixtures.Spec{ID: "leaf", CN: "OMENT-310", Issuer: "inter"},
		fixtures.Spec{ID: "leaf-weak", CN: "OMENT-400", Issuer: "weak"},
	)
	status := func(ids ...string) (report.Status, []report.Finding) {
		in, err := chain.Parse("chain.pem", fixtures.PEM(p.Chain(ids...)...), chain.Options{})
		if err != nil {
			t.Fatal(err)
		}
		r := pairing.Check(pairing.CheckOptions{Input: in, Mode: report.ModeMigration, At: base})
		var fs []report.Finding
		for _, f := range r.Findings {
			if f.Rule == "weak-signature" {
				fs = append(fs, f)
			}
		}
		for _, c := range r.Checks {
			if c.Rule == "weak-signature" {
				return c.Status, fs
			}
		}
		t.Fatal("no weak-signature check")
		return 0, nil
	}
	if st, fs := status("leaf", "inter", "root", "stray"); st != report.Pass || len(fs) != 0 {
		t.Errorf("a SHA-1 certificate off the path: %s %v; want pass", st, fs)
	}
	if st, fs := status("leaf-weak", "weak", "root"); st != report.Warn || len(fs) != 1 || fs[0].CertIndex == nil || *fs[0].CertIndex != 1 {
		t.Errorf("a SHA-1 intermediate on the path: %s %v; want one warning naming certificate 1", st, fs)
	}
}

// A certificate block crypto/x509 cannot read (a duplicate extension, a
// critical AIA, broken DER) was not judged: the chain verdict is not valid,
// whatever the certificates around it say.
func TestUnreadableBlockIsNotJudgedValid(t *testing.T) {
	p := fixtures.MustBuild(base,
		fixtures.Spec{ID: "root", CN: "Root-CA", CA: true},
		fixtures.Spec{ID: "leaf", CN: "OMENT-310", Issuer: "root"},
	)
	bogus := "-----BEGIN CERTIFICATE-----\nMAMCAQA=\n-----END CERTIFICATE-----\n"
	in, err := chain.Parse("chain.pem", append([]byte(bogus), fixtures.PEM(p.Chain("leaf", "root")...)...), chain.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := pairing.Check(pairing.CheckOptions{Input: in, Mode: report.ModeServer, At: base})
	if r.ChainVerdict == nil || r.ChainVerdict.Valid || r.ChainVerdict.Reason != "unreadable certificate" {
		t.Errorf("chain verdict %+v; want not valid, unreadable certificate", r.ChainVerdict)
	}
}

// In server mode, a file that gives CA certificates but whose path stops at
// a missing intermediate is refused (OpenSSL and Java cannot verify it); a
// lone server certificate keeps its warning.
func TestServerModeMissingIntermediate(t *testing.T) {
	p := fixtures.MustBuild(base,
		fixtures.Spec{ID: "root", CN: "Root-CA", CA: true},
		fixtures.Spec{ID: "inter", CN: "Inter-CA1", Issuer: "root", CA: true},
		fixtures.Spec{ID: "leaf", CN: "OMENT-310", Issuer: "inter"},
	)
	status := func(ids ...string) report.Status {
		in, err := chain.Parse("server.pem", fixtures.PEM(p.Chain(ids...)...), chain.Options{})
		if err != nil {
			t.Fatal(err)
		}
		r := pairing.Check(pairing.CheckOptions{Input: in, Mode: report.ModeServer, At: base})
		for _, c := range r.Checks {
			if c.Rule == "chain-complete" {
				return c.Status
			}
		}
		t.Fatal("no chain-complete check")
		return 0
	}
	if st := status("leaf", "root"); st != report.Error {
		t.Errorf("leaf and root, the intermediate missing: %s; want error", st)
	}
	if st := status("leaf"); st != report.Warn {
		t.Errorf("a lone server certificate: %s; want warn", st)
	}
	if st := status("leaf", "inter", "root"); st != report.Pass {
		t.Errorf("the whole chain: %s; want pass", st)
	}
}

// Every rule says whose behaviour it models (README rules table).
func TestEveryRuleSaysWhatItModels(t *testing.T) {
	for _, r := range pairing.Catalogue() {
		if strings.TrimSpace(r.Models) == "" {
			t.Errorf("%s: no models entry", r.ID)
		}
	}
}

// A certificate that fails validity only at one appliance's clock, when
// that clock is off from the peer's and from this machine's, is a clock to
// fix first, not a certificate to renew.
func TestWrongClockIsFixedFirst(t *testing.T) {
	p := fixtures.MustBuild(base,
		fixtures.Spec{ID: "root", CN: "Root-CA", CA: true},
		fixtures.Spec{ID: "inter", CN: "Inter-CA1", Issuer: "root", CA: true},
		fixtures.Spec{ID: "src", CN: "OMENT-310", Issuer: "inter"},
		fixtures.Spec{ID: "tgt", CN: "OMENT-400", Issuer: "inter"},
	)
	read := func(ids ...string) *chain.Input { return readChain(t, p, ids...) }
	ahead := base.AddDate(0, 0, 400) // past the leaves' notAfter (base + 1 year)
	o := pairing.CompareOptions{Source: read("src", "inter", "root"), Target: read("tgt", "inter", "root"),
		SourceTime: base, TargetTime: ahead, Local: base, MaxSkew: pairing.DefaultMaxSkew}
	r := pairing.Compare(o)
	if r.FixFirst == nil || r.FixFirst.Rule != "pair-clock-skew" || r.FixFirst.Side != report.SideTarget ||
		!strings.Contains(r.FixFirst.Message, "the target clock") || !strings.Contains(r.FixFirst.Message, "ahead of") {
		t.Fatalf("fix first %+v; want the target clock", r.FixFirst)
	}
	follows := 0
	for _, f := range r.Findings {
		if (f.Rule == "validity" || f.Rule == "pair-validity") && f.ConsequenceOf == "pair-clock-skew" {
			follows++
		}
	}
	if follows == 0 {
		t.Error("no validity finding follows from the clock")
	}
	// This machine agrees with the target: the certificates really expired
	// for it too, so the clock is not the cause.
	o.Local = ahead
	if r := pairing.Compare(o); r.FixFirst != nil && r.FixFirst.Rule == "pair-clock-skew" {
		t.Errorf("with this machine at the target's time, the clock is still blamed: %s", r.FixFirst.Message)
	}
}

// Each appliance is client too: in migration mode the judged path must
// also allow clientAuth, so a CA whose EKU allows serverAuth only fails
// the chain verdict (naming that CA) where server mode passes it.
func TestMigrationNeedsClientAuthOnThePath(t *testing.T) {
	p := fixtures.MustBuild(base,
		fixtures.Spec{ID: "root", CN: "Root-CA", CA: true},
		fixtures.Spec{ID: "inter", CN: "Inter-CA1", Issuer: "root", CA: true, EKU: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}},
		fixtures.Spec{ID: "leaf", CN: "OMENT-310", Issuer: "inter"},
	)
	in, err := chain.Parse("chain.pem", fixtures.PEM(p.Chain("leaf", "inter", "root")...), chain.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := pairing.Check(pairing.CheckOptions{Input: in, Mode: report.ModeMigration, At: base})
	if cv := r.ChainVerdict; cv.Valid || cv.Reason != "extended key usage" || cv.CertIndex == nil || *cv.CertIndex != 1 {
		t.Errorf("migration: %+v; want extended key usage at certificate 1", cv)
	}
	r = pairing.Check(pairing.CheckOptions{Input: in, Mode: report.ModeServer, At: base})
	if cv := r.ChainVerdict; !cv.Valid {
		t.Errorf("server mode: %+v; want valid (serverAuth only is asked)", cv)
	}
}

// Two self-signed certificates that could each anchor the file: which one
// the peer trusts is not in it, so the verdict is "cannot judge", naming
// the one the path ends at, and chain-verify warns; --ca removes the doubt.
func TestSeveralPossibleAnchors(t *testing.T) {
	p := fixtures.MustBuild(base,
		fixtures.Spec{ID: "root", CN: "Root-CA", CA: true},
		fixtures.Spec{ID: "other", CN: "Other-Root", CA: true},
		fixtures.Spec{ID: "leaf", CN: "OMENT-310", Issuer: "root"},
	)
	in, err := chain.Parse("chain.pem", fixtures.PEM(p.Chain("leaf", "root", "other")...), chain.Options{})
	if err != nil {
		t.Fatal(err)
	}
	status := func(r *report.Report) report.Status {
		for _, c := range r.Checks {
			if c.Rule == "chain-verify" {
				return c.Status
			}
		}
		return -1
	}
	r := pairing.Check(pairing.CheckOptions{Input: in, Mode: report.ModeServer, At: base})
	// Which root the peer trusts is not in the file: not a pass.
	if r.ChainVerdict.Valid || r.ChainVerdict.Reason != "cannot judge" || !strings.Contains(r.ChainVerdict.Error, `ends at "Root-CA"`) || status(r) != report.Warn {
		t.Errorf("two roots: %+v, chain-verify %s; want cannot judge naming Root-CA, and a warning", r.ChainVerdict, status(r))
	}
	r = pairing.Check(pairing.CheckOptions{Input: in, Mode: report.ModeServer, At: base, Anchors: p.Chain("root")})
	if !r.ChainVerdict.Valid || len(r.ChainVerdict.Caveats) != 0 || status(r) != report.Pass {
		t.Errorf("with --ca: %+v, chain-verify %s; want valid, no caveat, pass", r.ChainVerdict, status(r))
	}
	r = pairing.Check(pairing.CheckOptions{Input: in, Mode: report.ModeServer, At: base, Anchors: p.Chain("other")})
	if r.ChainVerdict.Valid {
		t.Errorf("--ca another root: %+v; want not valid", r.ChainVerdict)
	}
}

// The finding to fix first is the most fundamental error, and the errors
// that follow from it say so; warnings never come first.
func TestFixFirstAndConsequences(t *testing.T) {
	p := fixtures.MustBuild(base,
		fixtures.Spec{ID: "root", CN: "Root-CA", CA: true},
		fixtures.Spec{ID: "inter", CN: "Inter-CA1", Issuer: "root", CA: true},
		fixtures.Spec{ID: "src", CN: "OMENT-310", Issuer: "inter"},
		fixtures.Spec{ID: "tgt", CN: "OMENT-400", Issuer: "inter"},
	)
	read := func(ids ...string) *chain.Input { return readChain(t, p, ids...) }
	r := pairing.Compare(pairing.CompareOptions{Source: read("src", "inter", "root"), Target: read("tgt", "inter"),
		SourceTime: base, TargetTime: base, MaxSkew: pairing.DefaultMaxSkew})
	if r.FixFirst == nil || r.FixFirst.Rule != "chain-complete" || r.FixFirst.Side != report.SideTarget {
		t.Fatalf("fix first %+v; want the target's chain-complete", r.FixFirst)
	}
	follows := map[string]bool{}
	for _, f := range r.Findings {
		if f.ConsequenceOf != "" {
			if f.ConsequenceOf != "chain-complete" || f.Severity == report.SevInfo {
				t.Errorf("%s (%s) follows from %q", f.Rule, f.Severity, f.ConsequenceOf)
			}
			follows[f.Rule] = true
		}
		if f.Rule == "chain-complete" && f.ConsequenceOf != "" {
			t.Error("the cause follows from itself")
		}
	}
	if !follows["pair-ca-names"] || !follows["pair-trust"] {
		t.Errorf("consequences %v; want pair-ca-names and pair-trust", follows)
	}
	// Only warnings: nothing to fix first.
	r = pairing.Compare(pairing.CompareOptions{Source: read("src", "inter", "root"), Target: read("tgt", "inter", "root"),
		SourceTime: base, TargetTime: base.Add(10 * time.Minute), MaxSkew: pairing.DefaultMaxSkew})
	if r.FixFirst != nil {
		t.Errorf("fix first %+v with warnings only", r.FixFirst)
	}
}

// readChain parses the PKI's certificates ids as one file named after the
// first, as check and compare read it.
func readChain(t *testing.T, p *fixtures.PKI, ids ...string) *chain.Input {
	t.Helper()
	in, err := chain.Parse(ids[0]+".pem", fixtures.PEM(p.Chain(ids...)...), chain.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return in
}
