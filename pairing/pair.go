package pairing

import (
	"bytes"
	"crypto/rsa"
	"crypto/x509"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/ome-preflight/ome-preflight/chain"
	"github.com/ome-preflight/ome-preflight/report"
)

// WizardMessage is what OME's migration wizard shows when the pair fails
// its connection validation (KB 000221202).
const WizardMessage = "Unable to mutually authenticate and connect to the remote appliance. Please check the source and target appliances has valid certificate chain uploaded which are signed by the same CA."

// Pair is the two appliances as the pair rules see them.
type Pair struct {
	Src, Tgt *Subject
	Window   time.Duration
	MaxSkew  time.Duration
	Rows     []report.Row
	Trust    []report.TrustCheck
	// trust holds the one verifier's verdict behind each Trust entry.
	trust []chain.Verdict
	// Local is this machine's clock (zero: not known).
	Local time.Time
	// ClocksUnmeasured says why the two clocks say nothing about each other
	// ("": they were given or read): both are this machine's, so their
	// skew is zero by construction, not by observation.
	ClocksUnmeasured string
}

// localClock reports a clock source that is this machine's own clock.
func localClock(source report.ClockSource) bool { return source.Kind == report.ClockLocal }

// CompareOptions are the inputs of `compare`.
type CompareOptions struct {
	Source, Target                       *chain.Input
	SourceCSR, TargetCSR                 *chain.CSR
	SourceTime, TargetTime               time.Time
	SourceClockSource, TargetClockSource report.ClockSource
	SourceName, TargetName               string // names the peer uses, for leaf-name
	Window, MaxSkew                      time.Duration
	// Local is this machine's clock, to tell a wrong appliance clock from a
	// wrong certificate (zero: not known).
	Local time.Time
	// Flags words the inputs a check asks for when they are missing.
	Flags Flags
}

// DefaultMaxSkew is the clock difference above which compare warns.
const DefaultMaxSkew = 5 * time.Minute

// Compare answers "will these two appliances pair?".
func Compare(o CompareOptions) *report.Report {
	cache := chain.NewSigCache() // one run: each link verified once
	src := newSubject(o.Source, o.SourceCSR, report.ModeMigration, o.SourceTime, o.SourceName, cache)
	tgt := newSubject(o.Target, o.TargetCSR, report.ModeMigration, o.TargetTime, o.TargetName, cache)
	src.Side, src.Flags = report.SideSource, o.Flags
	tgt.Side, tgt.Flags = report.SideTarget, o.Flags
	r := newReport("compare")
	r.Source = sideOf(src, o.SourceClockSource)
	r.Target = sideOf(tgt, o.TargetClockSource)
	p := NewPair(src, tgt, o.Window, o.MaxSkew)
	p.Local = o.Local
	if localClock(o.SourceClockSource) && localClock(o.TargetClockSource) {
		p.ClocksUnmeasured = "no appliance clock was given (--source-time, --target-time): both sides are judged at this machine's clock, so their skew is not measured"
	}
	r.runUpload(src, report.SideSource)
	r.runUpload(tgt, report.SideTarget)
	r.runPair(p)
	r.finish()
	return r.Report
}

func sideOf(s *Subject, clockSource report.ClockSource) *report.Appliance {
	side := &report.Appliance{File: s.Input.File, Clock: s.At, ClockSource: clockSource, Chain: describeAll(s), Input: inputInfo(s.Input),
		Path: chain.Describe(s.Input.Certs, s.Path.Order)}
	if s.CSR != nil {
		side.CSR = csrInfo(s.CSR)
	}
	return side
}

// NewPair computes the KB rows and the trust matrix.
func NewPair(src, tgt *Subject, window, maxSkew time.Duration) *Pair {
	if maxSkew == 0 {
		maxSkew = DefaultMaxSkew
	}
	p := &Pair{Src: src, Tgt: tgt, Window: window, MaxSkew: maxSkew}
	p.Rows = rows(src, tgt)
	type job struct {
		presenter, verifier *Subject
		pn, vn              report.Side
		usage               x509.ExtKeyUsage
	}
	var jobs []job
	for _, d := range []job{{src, tgt, "source", "target", 0}, {tgt, src, "target", "source", 0}} {
		for _, u := range []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth} {
			d.usage = u
			jobs = append(jobs, d)
		}
	}
	// One after another: each is a search and a crypto/x509 verification
	// of a short path, and goroutines here added thread wake-ups to a
	// process that lives a few milliseconds (compare 3-5 % faster without
	// them, scripts/bench.sh A/B, measured when chain still memoised
	// signatures process-wide). checklist runs whole pairs in parallel.
	p.Trust = make([]report.TrustCheck, len(jobs))
	p.trust = make([]chain.Verdict, len(jobs))
	for i, j := range jobs {
		leaf, _ := j.presenter.leaf()
		v := chain.Verdict{Reason: chain.NoAnchor, Err: chain.ErrNoAnchor}
		if leaf != nil {
			v = chain.Validate(leaf, j.presenter.certs(), chain.VerifyOptions{Anchors: anchors(j.verifier), At: j.verifier.At, Usage: j.usage, Cache: src.Cache})
		}
		tc := report.TrustCheck{Presenter: j.pn, Verifier: j.vn, Usage: usageName(j.usage), At: j.verifier.At, OK: v.OK()}
		if v.Err != nil {
			tc.Error = v.Err.Error()
		}
		p.Trust[i], p.trust[i] = tc, v
	}
	return p
}

// anchors are what an appliance trusts: the roots of the chain it uploaded
// ("the root becomes the trust anchor", KB 000221202 #5), by the one
// anchor rule.
func anchors(s *Subject) []*x509.Certificate { return chain.Anchors(s.Input.Certs, nil) }

func usageName(u x509.ExtKeyUsage) report.Usage {
	if u == x509.ExtKeyUsageServerAuth {
		return report.ServerAuth
	}
	return report.ClientAuth
}

func rows(src, tgt *Subject) []report.Row {
	n := max(len(src.Path.Order), len(tgt.Path.Order))
	out := make([]report.Row, n)
	for k := 0; k < n; k++ {
		var a, b *x509.Certificate
		if k < len(src.Path.Order) {
			i := src.Path.Order[k]
			a = src.Input.Certs[i]
			out[k].Source = rowCert(a, i)
		}
		if k < len(tgt.Path.Order) {
			i := tgt.Path.Order[k]
			b = tgt.Input.Certs[i]
			out[k].Target = rowCert(b, i)
		}
		if a == nil || b == nil {
			continue
		}
		as, ai := a.Subject.String(), a.Issuer.String()
		bs, bi := b.Subject.String(), b.Issuer.String()
		issuers := ai == bi
		if k == 0 {
			out[k].Match = issuers
			out[k].SameKey = true // leaves differ by design
		} else {
			out[k].Match = issuers && as == bs
			out[k].SameKey = bytes.Equal(a.RawSubjectPublicKeyInfo, b.RawSubjectPublicKeyInfo)
		}
	}
	return out
}

func rowCert(c *x509.Certificate, i int) *report.RowCert {
	return &report.RowCert{Subject: report.NameOf(c.Subject), Issuer: report.NameOf(c.Issuer), CertIndex: i, SPKISHA256: spkiHex(c)}
}

func (s *Subject) sideLabel(side report.Side, i int) string { return string(side) + " " + s.label(i) }

// pairRule is a pair rule, declared next to its check function: the
// catalogue entry, whether it applies to the pair, and its check.
type pairRule struct {
	Rule
	// Applies says whether the rule applies to p and, when it does not,
	// why (the check's na reason). nil: it always applies.
	Applies func(p *Pair) (ok bool, why string)
	Check   func(p *Pair) []sideResult
}

// run is the rule on p: na with Applies' reason when it does not apply,
// otherwise its check.
func (pr *pairRule) run(p *Pair) []sideResult {
	if pr.Applies != nil {
		if ok, why := pr.Applies(p); !ok {
			return []sideResult{{Result: Result{Status: NA, Reason: why}}}
		}
	}
	return pr.Check(p)
}

type sideResult struct {
	Side report.Side
	Result
}

const kbPair = "KB 000221202 (connection validation)"

// pairRules are the pair rules, in catalogue order: the KB's connection
// validation, then what makes the real handshake fail when names match.
var pairRules = []*pairRule{
	rulePairNames,
	rulePairKeys,
	rulePairTrust,
	rulePairValidity,
	rulePairSkew,
	rulePairDistinct,
}

func (r *build) runPair(p *Pair) {
	r.Rows, r.Trust = p.Rows, p.Trust
	r.Clocks = &report.ClockInfo{Source: p.Src.At, Target: p.Tgt.At, Skew: p.Src.At.Sub(p.Tgt.At), MaxSkew: p.MaxSkew, Window: p.Window}
	failed := false
	for _, pr := range pairRules {
		if r.record(&pr.Rule, report.SidePair, safely(func() []sideResult { return pr.run(p) })) {
			failed = true
		}
	}
	if failed {
		r.WizardMessage = WizardMessage
	}
	r.clockCause = clockCause(p)
}

// clockCause finds a wrong appliance clock behind validity failures: a
// certificate of the pair is outside its validity at one appliance's clock
// only, valid at the peer's clock (and at this machine's when known), and
// that clock is off by more than the maximum skew from the peer's (and from
// this machine's). Then the clock is what to fix, not the certificate.
func clockCause(p *Pair) *report.Finding {
	abs := func(d time.Duration) time.Duration {
		if d < 0 {
			return -d
		}
		return d
	}
	valid := func(c *x509.Certificate, at time.Time) bool { return !at.Before(c.NotBefore) && !at.After(c.NotAfter) }
	for _, sd := range []struct {
		name       report.Side
		self, peer *Subject
	}{{report.SideSource, p.Src, p.Tgt}, {report.SideTarget, p.Tgt, p.Src}} {
		at, peerAt := sd.self.At, sd.peer.At
		if abs(at.Sub(peerAt)) <= p.MaxSkew || (!p.Local.IsZero() && abs(at.Sub(p.Local)) <= p.MaxSkew) {
			continue
		}
		for _, c := range append(append([]*x509.Certificate{}, sd.self.certs()...), sd.peer.certs()...) {
			if valid(c, at) || !valid(c, peerAt) || (!p.Local.IsZero() && !valid(c, p.Local)) {
				continue
			}
			off, dir := at.Sub(peerAt), "ahead of"
			if off < 0 {
				off, dir = -off, "behind"
			}
			also := ""
			if !p.Local.IsZero() {
				also = " and this machine's clock"
			}
			return &report.Finding{Rule: "pair-clock-skew", Severity: SevWarning, Side: sd.name, Message: fmt.Sprintf(
				"the %s clock %s is %s %s the %s's clock%s: \"%s\" is valid at those clocks and not at the %s's; the certificates are fine, the clock is wrong",
				sd.name, at.Format(time.RFC3339), report.Human(off), dir, sd.peer.Side, also, chain.Name(c), sd.name),
				Fix: fmt.Sprintf("Fix the %s appliance's clock first (Application Settings > Network > Time Configuration: use NTP), then run this again; do not renew certificates for it.", sd.name)}
		}
	}
	return nil
}

var rulePairNames = &pairRule{Rule: Rule{ID: "pair-ca-names", Family: FamilyPair, Severity: SevError,
	Citation:    kbPair + ": issued to / issued by table",
	Description: "Row by row, leaf first, both chains name the same CAs: the leaves have the same issuer, every CA row has the same issued-to and issued-by.",
	Fix:         "Have both appliance certificates issued by the same intermediate CA, and upload both chains with the same intermediates and root."},
	Check: checkPairNames}

func checkPairNames(p *Pair) []sideResult {
	var out []sideResult
	for k, row := range p.Rows {
		if row.Match {
			continue
		}
		pos := fmt.Sprintf("row %d", k+1)
		switch {
		case row.Source == nil:
			out = append(out, sideResult{report.SideSource, Result{Status: Error, Details: fmt.Sprintf(
				"%s: the target chain has \"%s\" (issued by \"%s\") and the source chain has nothing there: the chains differ in length", pos, row.Target.Subject.Short(), row.Target.Issuer.Short())}})
		case row.Target == nil:
			out = append(out, sideResult{report.SideTarget, Result{Status: Error, Details: fmt.Sprintf(
				"%s: the source chain has \"%s\" (issued by \"%s\") and the target chain has nothing there: the chains differ in length", pos, row.Source.Subject.Short(), row.Source.Issuer.Short())}})
		case k == 0:
			out = append(out, sideResult{report.SideNone, Result{Status: Error, CertIndex: intp(row.Source.CertIndex), Details: fmt.Sprintf(
				"%s (leaf): the source leaf \"%s\" is issued by \"%s\", the target leaf \"%s\" by \"%s\": both must be issued by the same CA",
				pos, row.Source.Subject.Short(), row.Source.Issuer.Short(), row.Target.Subject.Short(), row.Target.Issuer.Short())}})
		default:
			out = append(out, sideResult{report.SideNone, Result{Status: Error, CertIndex: intp(row.Source.CertIndex), Details: fmt.Sprintf(
				"%s: source \"%s\" issued by \"%s\", target \"%s\" issued by \"%s\"", pos, row.Source.Subject.Short(), row.Source.Issuer.Short(), row.Target.Subject.Short(), row.Target.Issuer.Short())}})
		}
	}
	if len(out) == 0 {
		return []sideResult{{Result: Result{Status: Pass}}}
	}
	return out
}

var rulePairKeys = &pairRule{Rule: Rule{ID: "pair-ca-keys", Family: FamilyPair, Severity: SevError, Inferred: true,
	Citation:    kbPair + "; a CA re-issued with a new key under the same name passes the name check but not the handshake",
	Description: "CA rows that match by name also carry the same public key.",
	Fix:         "Upload, on both appliances, the CA certificates that actually signed each leaf: a CA renewed with a new key must be the same certificate on both sides."},
	Check: checkPairKeys}

func checkPairKeys(p *Pair) []sideResult {
	var out []sideResult
	for k, row := range p.Rows {
		if k == 0 || !row.Match || row.SameKey {
			continue
		}
		out = append(out, sideResult{report.SideNone, Result{Status: Error, CertIndex: intp(row.Source.CertIndex), Details: fmt.Sprintf(
			"row %d: \"%s\" has the same name on both sides but different public keys (source SPKI %s, target SPKI %s): OME's name check passes, the handshake fails",
			k+1, row.Source.Subject.Short(), short(row.Source.SPKISHA256), short(row.Target.SPKISHA256))}})
	}
	if len(out) == 0 {
		return []sideResult{{Result: Result{Status: Pass}}}
	}
	return out
}

var rulePairTrust = &pairRule{Rule: Rule{ID: "pair-trust", Family: FamilyPair, Severity: SevError, Inferred: true,
	Citation:    kbPair + "; mutual TLS: each appliance verifies the other's chain with its own root, as server and as client",
	Description: "Each chain verifies to the other appliance's root, for serverAuth and clientAuth, at the other appliance's clock.",
	Fix:         "Issue both appliance certificates under the same root, with serverAuth and clientAuth, and upload the full chains."},
	Check: checkPairTrust}

func checkPairTrust(p *Pair) []sideResult {
	var out []sideResult
	for i, tc := range p.Trust {
		v := p.trust[i]
		if v.OK() {
			continue
		}
		if v.Reason == chain.Expired || v.Reason == chain.NotYetValid {
			continue // pair-validity names the certificate and the clock
		}
		role := "server"
		if tc.Usage == "clientAuth" {
			role = "client"
		}
		presenter := p.Src
		if tc.Presenter == "target" {
			presenter = p.Tgt
		}
		leaf, li := presenter.leaf()
		why := v.Err.Error()
		status := Error
		switch v.Reason {
		case chain.NoAnchor:
			why = "the " + string(tc.Verifier) + " chain has no root certificate, so the " + string(tc.Verifier) + " trusts nothing"
		case chain.WeakSignature:
			status, why = Warn, why+"; "+weakNote
		case chain.CannotJudge, chain.StacksDisagree:
			status = Warn // not proven either way, or one stack refuses: never a pass
		case chain.WeakKey:
			// As key-size says it: OpenSSL refuses under 2048 bits, Java
			// under 1024 only.
			if k, ok := v.Cert.PublicKey.(*rsa.PublicKey); ok && k.N.BitLen() >= 1024 {
				status = Warn
			}
		}
		because := fmt.Sprintf("\"%s\" does not verify to %s: %s", chain.Name(leaf), anchorName(tc.Verifier, p), why)
		if v.Reason == chain.NoAnchor {
			because = why
		}
		out = append(out, sideResult{tc.Presenter, Result{Status: status, CertIndex: intp(li), Details: fmt.Sprintf(
			"%s -> %s: the %s would not accept the %s as TLS %s (%s) at its clock %s: %s",
			tc.Presenter, tc.Verifier, tc.Verifier, tc.Presenter, role, tc.Usage, tc.At.Format(time.RFC3339), because)}})
	}
	if len(out) == 0 {
		return []sideResult{{Result: Result{Status: Pass}}}
	}
	return out
}

func anchorName(side report.Side, p *Pair) string {
	s := p.Src
	if side == report.SideTarget {
		s = p.Tgt
	}
	a := anchors(s)
	if len(a) == 0 {
		return "no root"
	}
	return fmt.Sprintf("the %s root \"%s\"", side, chain.Name(a[0]))
}

var rulePairValidity = &pairRule{Rule: Rule{ID: "pair-validity", Family: FamilyPair, Severity: SevError,
	Citation:    kbPair + ": validity period against each appliance's date and time",
	Description: "Every certificate of both chains is valid at both appliances' clocks, through the end of the change window.",
	Fix:         "Renew the certificate that expires before the window ends, or fix the appliance clock (enable NTP) that sees a certificate as not yet valid."},
	Check: checkPairValidity}

// checkPairValidity judges every certificate of both chains at the peer's
// clock and at both clocks plus the window; each side's own clock is
// already judged by the upload rule "validity".
func checkPairValidity(p *Pair) []sideResult {
	var out []sideResult
	type clock struct {
		name report.Side
		at   time.Time
	}
	clocks := []clock{{report.SideSource, p.Src.At}, {report.SideTarget, p.Tgt.At}}
	// One window finding per certificate: both clocks usually tell the same
	// story.
	windowed := map[string]bool{}
	for _, sd := range []struct {
		name report.Side
		s    *Subject
	}{{report.SideSource, p.Src}, {report.SideTarget, p.Tgt}} {
		// Judged on the path; a certificate off it is chain-unrelated's.
		for _, i := range sd.s.Path.Order {
			c := sd.s.certs()[i]
			for _, ck := range clocks {
				if ck.name != sd.name {
					switch {
					case ck.at.Before(c.NotBefore):
						out = append(out, sideResult{sd.name, Result{Status: Error, CertIndex: intp(i), Details: fmt.Sprintf(
							"%s is not yet valid at the %s clock %s: valid from %s (%s later)", sd.s.sideLabel(sd.name, i), ck.name,
							ck.at.Format(time.RFC3339), c.NotBefore.UTC().Format(time.RFC3339), report.Human(c.NotBefore.Sub(ck.at)))}})
						continue
					case ck.at.After(c.NotAfter):
						out = append(out, sideResult{sd.name, Result{Status: Error, CertIndex: intp(i), Details: fmt.Sprintf(
							"%s has expired at the %s clock %s: valid until %s", sd.s.sideLabel(sd.name, i), ck.name,
							ck.at.Format(time.RFC3339), c.NotAfter.UTC().Format(time.RFC3339))}})
						continue
					}
				}
				end := ck.at.Add(p.Window)
				if key := fmt.Sprint(sd.name, i); p.Window > 0 && !ck.at.After(c.NotAfter) && end.After(c.NotAfter) && !windowed[key] {
					windowed[key] = true
					out = append(out, sideResult{sd.name, Result{Status: Error, CertIndex: intp(i), Details: fmt.Sprintf(
						"%s expires at %s, before the change window ends (%s clock %s + %s = %s)", sd.s.sideLabel(sd.name, i),
						c.NotAfter.UTC().Format(time.RFC3339), ck.name, ck.at.Format(time.RFC3339), report.Human(p.Window), end.Format(time.RFC3339))}})
				}
			}
		}
	}
	if len(out) == 0 {
		return []sideResult{{Result: Result{Status: Pass}}}
	}
	return out
}

var rulePairSkew = &pairRule{Rule: Rule{ID: "pair-clock-skew", Family: FamilyPair, Severity: SevWarning, Inferred: true,
	Citation:    kbPair + ": each appliance judges validity at its own clock",
	Description: "The two appliances' clocks agree within --max-skew (default 5m).",
	Fix:         "Point both appliances at the same NTP server (Application Settings > Network > Time Configuration)."},
	Applies: clocksMeasured,
	Check:   checkPairSkew}

// clocksMeasured: the skew is judged only between clocks that were given or
// read, not between two readings of this machine's clock.
func clocksMeasured(p *Pair) (bool, string) {
	return p.ClocksUnmeasured == "", p.ClocksUnmeasured
}

func checkPairSkew(p *Pair) []sideResult {
	skew := p.Src.At.Sub(p.Tgt.At)
	if skew < 0 {
		skew = -skew
	}
	if skew <= p.MaxSkew {
		return []sideResult{{Result: Result{Status: Pass}}}
	}
	ahead, behind := "source", "target"
	if p.Tgt.At.After(p.Src.At) {
		ahead, behind = "target", "source"
	}
	d := fmt.Sprintf("the %s clock is %s ahead of the %s clock (more than %s)", ahead, report.Human(skew), behind, report.Human(p.MaxSkew))
	// Only a certificate whose validity starts or ends between the two
	// clocks is judged differently by the two appliances.
	early, late := earliest(p.Src.At, p.Tgt.At), p.Src.At
	if late.Equal(early) {
		late = p.Tgt.At
	}
	var notYet, expired []string
	for _, sd := range []struct {
		name report.Side
		s    *Subject
	}{{report.SideSource, p.Src}, {report.SideTarget, p.Tgt}} {
		for _, i := range sd.s.Path.Order {
			c := sd.s.certs()[i]
			if c.NotBefore.After(early) && !c.NotBefore.After(late) {
				notYet = append(notYet, sd.s.sideLabel(sd.name, i))
			}
			if !c.NotAfter.Before(early) && c.NotAfter.Before(late) {
				expired = append(expired, sd.s.sideLabel(sd.name, i))
			}
		}
	}
	if len(notYet) > 0 {
		d += "; valid at the " + ahead + "'s clock but not yet at the " + behind + "'s: " + strings.Join(notYet, ", ")
	}
	if len(expired) > 0 {
		d += "; still valid at the " + behind + "'s clock but expired at the " + ahead + "'s: " + strings.Join(expired, ", ")
	}
	if len(notYet)+len(expired) == 0 {
		d += "; every certificate is valid (or not) at both clocks alike today, but validity is judged at each appliance's own clock"
	}
	return []sideResult{{Result: Result{Status: Warn, Details: d}}}
}

func earliest(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

var rulePairDistinct = &pairRule{Rule: Rule{ID: "pair-distinct", Family: FamilyPair, Severity: SevError, Inferred: true,
	Citation:    "OME generates each appliance's key with its CSR (KB 000221202 #1): two appliances never share a leaf",
	Description: "The source and the target are two appliances: not the same file or address, not the same leaf key.",
	Fix:         "Give the source appliance's chain (or address) and the target's: each appliance serves the chain issued for its own CSR."},
	Check: checkPairDistinct}

// checkPairDistinct refuses a pair that is one appliance twice: the same
// file or address on both sides, or the same leaf public key.
func checkPairDistinct(p *Pair) []sideResult {
	var out []sideResult
	sf, tf := p.Src.Input.File, p.Tgt.Input.File
	if sf != "" && (sf == tf || filepath.Clean(sf) == filepath.Clean(tf)) {
		what := "file"
		if p.Src.Input.Encoding == chain.EncTLS {
			what = "address"
		}
		out = append(out, sideResult{report.SideNone, Result{Status: Error, Details: fmt.Sprintf(
			"the source and the target are the same %s, %s: the pair would be one appliance with itself", what, sf)}})
	}
	sl, si := p.Src.leaf()
	tl, ti := p.Tgt.leaf()
	if sl != nil && tl != nil && bytes.Equal(sl.RawSubjectPublicKeyInfo, tl.RawSubjectPublicKeyInfo) {
		out = append(out, sideResult{report.SideNone, Result{Status: Error, CertIndex: intp(si), Details: fmt.Sprintf(
			"the source leaf \"%s\" (certificate %d) and the target leaf \"%s\" (certificate %d) have the same public key (spki_sha256 in --format json): two OME appliances never share a key, each generates its own with its CSR",
			chain.Name(sl), si, chain.Name(tl), ti)}})
	}
	if len(out) == 0 {
		return []sideResult{{Result: Result{Status: Pass}}}
	}
	return out
}
