package pairing

import (
	"crypto/x509"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ome-preflight/ome-preflight/chain"
	"github.com/ome-preflight/ome-preflight/report"
)

// build is a report as the rules build it: the methods that record
// results, order findings and set the verdict.
type build struct {
	*report.Report
	// clockCause, when set, is the wrong appliance clock that explains the
	// pair's validity failures (clockCause in pair.go).
	clockCause *report.Finding
}

func newReport(command string) *build {
	return &build{Report: &report.Report{SchemaVersion: report.SchemaVersion, Command: command}}
}

// causes are the rules that, when they fail, explain others, most
// fundamental first, with the rules whose findings follow from them.
var causes = []struct {
	rule         string
	consequences []string
}{
	{"live-unreachable", []string{"live-clock", "api-access"}},
	{"encoding", nil},
	{"live-leaf-only", []string{"chain-complete", "pair-ca-names", "pair-trust", "live-chain-differs", "live-handshake", "chain-order"}},
	{"chain-complete", []string{"pair-ca-names", "pair-trust", "live-handshake", "chain-order"}},
	{"chain-signature", []string{"pair-trust", "live-handshake", "chain-verify"}},
	{"pair-ca-names", []string{"pair-trust", "live-handshake", "live-client-ca", "pair-ca-keys"}},
	{"pair-ca-keys", []string{"pair-trust", "live-handshake"}},
	{"validity", []string{"pair-validity", "pair-trust", "live-handshake", "chain-verify"}},
	{"pair-validity", []string{"pair-trust", "live-handshake"}},
	{"leaf-eku", []string{"pair-trust", "live-handshake", "chain-verify"}},
}

// findCause picks the finding to fix first and marks the findings that
// follow from it.
func (r *build) findCause() {
	r.FixFirst = nil
	if c := r.clockCause; c != nil {
		// A wrong appliance clock explains the validity failures it causes.
		if rule, ok := RuleByID(c.Rule); ok {
			c.Doc, c.Reference, c.OMEMessageArgs = DocBase+rule.ID, rule.reference(), []string{}
		}
		r.FixFirst = c
		for j := range r.Findings {
			if slices.Contains([]string{"validity", "pair-validity", "pair-trust", "live-handshake", "chain-verify"}, r.Findings[j].Rule) && r.Findings[j].Severity != SevInfo {
				r.Findings[j].ConsequenceOf = c.Rule
			}
		}
		return
	}
	for _, c := range causes {
		for i, f := range r.Findings {
			if f.Rule != c.rule || f.Severity != SevError && !(c.rule == "live-unreachable" && f.Severity == SevWarning) {
				continue
			}
			first := f
			r.FixFirst = &first
			for j := range r.Findings {
				if j != i && slices.Contains(c.consequences, r.Findings[j].Rule) && r.Findings[j].Severity != SevInfo {
					r.Findings[j].ConsequenceOf = c.rule
				}
			}
			return
		}
	}
	for _, f := range r.Findings {
		if f.Severity == SevError {
			first := f
			r.FixFirst = &first
			return
		}
	}
}

// finish sorts findings and sets the verdict.
func (r *build) finish() {
	if r.Findings == nil {
		r.Findings = []report.Finding{}
	}
	if r.Checks == nil {
		r.Checks = []report.CheckResult{}
	}
	sortFindings(r.Findings)
	r.findCause()
	r.Verdict = report.VerdictPass
	if len(r.Incomplete) > 0 {
		r.Verdict = report.VerdictIncomplete
	}
	for _, f := range r.Findings {
		if f.Severity == SevError {
			r.Verdict = report.VerdictFail
		}
	}
}

// runUpload runs every upload rule on s for side, appending to r.
func (r *build) runUpload(s *Subject, side report.Side) {
	if u, ok := s.unparsedLeaf(); ok {
		// The leaf rules cannot run: without an error finding the report
		// is incomplete, not a pass.
		r.Incomplete = append(r.Incomplete, fmt.Sprintf("%s: the leaf rules: block %d \"%s\" is a certificate crypto/x509 cannot parse (%v)", s.Input.File, u.Block, u.Name(), u.Err))
	}
	switch s.Verdict.Reason {
	case chain.CannotJudge, chain.StacksDisagree:
		// Not a pass, and no error of its own: which answer OME gives is
		// not known (crypto/x509 cannot judge the chain, or OME's two
		// stacks answer differently); chain-verify says why.
		what := "the chain could not be judged"
		if s.Verdict.Reason == chain.StacksDisagree {
			what = "OME's two stacks (OpenSSL, Java) judge the chain differently"
		}
		where := s.Input.File
		if where == "" {
			where = string(side)
		}
		r.Incomplete = append(r.Incomplete, fmt.Sprintf("%s: %s; see chain-verify", where, what))
	}
	for _, u := range uploadRules {
		r.record(&u.Rule, side, safely(func() []sideResult {
			var out []sideResult
			for _, x := range u.run(s) {
				out = append(out, sideResult{side, x})
			}
			return out
		}))
	}
}

// safely runs a rule's check; a panic becomes a Fatal result for that rule
// and the run goes on.
func safely(check func() []sideResult) (res []sideResult) {
	defer func() {
		if p := recover(); p != nil {
			res = []sideResult{{Result: Result{Status: Fatal, Details: fmt.Sprint(p)}}}
		}
	}()
	return check()
}

// record turns one rule's results into findings and one checklist entry
// (the worst status) under checkSide. It reports whether an error finding
// was added.
//
// A pass is earned: when any part of the rule could not be evaluated (an NA
// result with a Reason) and nothing worse than a pass was seen, the check is
// na with the reasons, never pass.
func (r *build) record(rule *Rule, checkSide report.Side, res []sideResult) bool {
	worst, failed := NA, false
	var reasons, notApplies []string
	for _, x := range res {
		if x.Status > worst {
			worst = x.Status
		}
		if x.Status == NA {
			why := x.Reason
			if why == "" {
				why = x.Details
			}
			if why != "" && !slices.Contains(reasons, why) {
				reasons = append(reasons, why)
			}
			if x.NotApplies != "" && !slices.Contains(notApplies, x.NotApplies) {
				notApplies = append(notApplies, x.NotApplies)
			}
		}
		if x.Reason != "" {
			continue // not evaluated: the check says why, no finding
		}
		if f, ok := rule.finding(x.Side, x.Result); ok {
			r.Findings = append(r.Findings, f)
			failed = failed || f.Severity == SevError
		}
	}
	cr := report.CheckResult{Rule: rule.ID, Side: checkSide, Status: worst, Description: rule.Description, Inferred: rule.Inferred}
	switch {
	case worst <= Pass && len(reasons) > 0:
		cr.Status, cr.Reason = NA, strings.Join(reasons, "; ")
	case worst == NA:
		// Every na says why: here, why the rule does not apply.
		if len(notApplies) == 0 {
			notApplies = []string{"nothing in this input for the rule to judge"}
		}
		cr.Reason, cr.NotApplicable = strings.Join(notApplies, "; "), true
	}
	r.Checks = append(r.Checks, cr)
	return failed
}

// CheckOptions are the inputs of `check`.
type CheckOptions struct {
	Input *chain.Input
	CSR   *chain.CSR
	Mode  report.Mode
	At    time.Time
	Name  string
	// Anchors are the roots the peer trusts (--ca); nil: the file's own
	// self-signed certificates.
	Anchors []*x509.Certificate
	// Flags words the inputs a check asks for when they are missing (nil:
	// the command has none to ask for).
	Flags Flags
}

// Check answers "will OME accept this upload?".
func Check(o CheckOptions) *report.Report {
	s := newSubjectWith(o.Input, o.CSR, o.Mode, o.At, o.Name, nil, o.Anchors)
	s.Flags = o.Flags
	at := s.At.Truncate(time.Second) // reported to the second, as every time of the reports
	r := newReport("check")
	r.Mode, r.EvaluatedAt = s.Mode, &at
	r.Input = inputInfo(o.Input)
	r.Chain = describeAll(s)
	r.Path = chain.Describe(o.Input.Certs, s.Path.Order)
	if o.CSR != nil {
		r.CSR = csrInfo(o.CSR)
	}
	r.ChainVerdict = chainVerdict(s)
	r.runUpload(s, report.SideNone)
	r.finish()
	return r.Report
}

// NotCertificate is check's report for a readable file that holds no
// certificate (random bytes, a private key, a CSR, a broken PEM): OME
// refuses the upload with CSEC9002. why is the reader's error, which says
// what the file is.
func NotCertificate(file string, mode report.Mode, at time.Time, why error) *report.Report {
	if mode == "" {
		mode = report.ModeMigration
	}
	at = at.UTC().Truncate(time.Second)
	what := why.Error()
	if pe, ok := why.(*chain.ParseError); ok {
		what = pe.Err.Error()
		if pe.Block > 0 {
			what = fmt.Sprintf("block %d: %s", pe.Block, what)
		}
	}
	r := newReport("check")
	r.Mode, r.EvaluatedAt, r.Chain = mode, &at, []report.Cert{}
	r.Input = &report.InputInfo{File: file, Encoding: report.Encoding(chain.EncUnknown), Notes: []string{what}}
	for _, u := range uploadRules {
		if u.ID == "encoding" {
			r.record(&u.Rule, report.SideNone, []sideResult{{Result: Result{Status: Error, Details: fmt.Sprintf(
				"%s holds no certificate (%s); OME refuses it: Unable to upload the certificate because the certificate file provided is invalid", file, what),
				Fix: "Upload the certificate chain your CA issued for this appliance's CSR, as Base64 PEM (leaf, intermediates, root); not the private key, the CSR or another file."}}})
			continue
		}
		r.record(&u.Rule, report.SideNone, []sideResult{{Result: Result{Status: NA, Reason: "the file holds no certificate"}}})
	}
	r.finish()
	return r.Report
}

// chainVerdict is the Subject's verdict as the report shows it.
func chainVerdict(s *Subject) *report.ChainVerdict {
	v := s.Verdict
	cv := &report.ChainVerdict{Valid: v.OK(), Reason: v.Reason.String(), Caveats: v.Caveats}
	if v.Err != nil {
		cv.Error = v.Err.Error()
	}
	cv.CertIndex = s.indexOf(v.Cert)
	return cv
}

func inputInfo(in *chain.Input) *report.InputInfo {
	notes := in.Notes
	if notes == nil {
		notes = []string{}
	}
	return &report.InputInfo{File: in.File, Encoding: report.Encoding(in.Encoding), Notes: notes}
}

func csrInfo(c *chain.CSR) *report.CSRInfo {
	notes := c.Notes
	if notes == nil {
		notes = []string{}
	}
	return &report.CSRInfo{File: c.File, Subject: c.Req.Subject.String(), Key: chain.KeyDescription(c.Req.PublicKey),
		SPKISHA256: hexSHA(c.Req.RawSubjectPublicKeyInfo), Notes: notes}
}

func describeAll(s *Subject) []report.Cert {
	out := make([]report.Cert, len(s.Input.Certs))
	for i := range s.Input.Certs {
		out[i] = DescribeCert(s.Input.Certs, s.Path, i)
	}
	return out
}

// DescribeCert is the report's description of certificate i of certs,
// given the path: chain's facts, with the names structured.
func DescribeCert(certs []*x509.Certificate, p chain.Path, i int) report.Cert {
	in := chain.DescribeCert(certs, p, i)
	return report.Cert{Index: in.Index, Role: in.Role, Subject: report.NameOf(certs[i].Subject), Issuer: report.NameOf(certs[i].Issuer),
		CommonName: in.CommonName, NotBefore: in.NotBefore, NotAfter: in.NotAfter, Serial: in.Serial, SHA256: in.SHA256,
		SPKISHA256: in.SPKISHA256, Key: in.Key, SignatureAlgorithm: in.SignatureAlgorithm, KeyUsage: in.KeyUsage,
		ExtKeyUsage: in.ExtKeyUsage, IsCA: in.IsCA, SAN: in.SAN, PathPosition: in.PathPosition}
}
