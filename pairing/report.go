package pairing

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ome-preflight/ome-preflight/chain"
)

// SchemaVersion of the JSON report.
const SchemaVersion = 1

// Verdicts.
const (
	VerdictPass       = "pass"
	VerdictFail       = "fail"
	VerdictIncomplete = "incomplete"
)

// InputInfo describes a file as read.
type InputInfo struct {
	File     string         `json:"file"`
	Encoding chain.Encoding `json:"encoding"`
	Notes    []string       `json:"notes"`
}

// CSRInfo describes the CSR given with --csr.
type CSRInfo struct {
	File       string   `json:"file"`
	Subject    string   `json:"subject"`
	Key        string   `json:"key"`
	SPKISHA256 string   `json:"spki_sha256"`
	Notes      []string `json:"notes"`
}

// Report is what every command renders: one struct, several renderers.
type Report struct {
	SchemaVersion int          `json:"schema_version"`
	Command       string       `json:"command"`
	Verdict       string       `json:"verdict"`
	Mode          Mode         `json:"mode,omitempty"`
	EvaluatedAt   *time.Time   `json:"evaluated_at,omitempty"`
	Chain         []chain.Info `json:"chain,omitempty"`
	Path          string       `json:"path,omitempty"`
	Input         *InputInfo   `json:"input,omitempty"`
	CSR           *CSRInfo     `json:"csr,omitempty"`
	Source        *Side        `json:"source,omitempty"`
	Target        *Side        `json:"target,omitempty"`
	Rows          []Row        `json:"rows,omitempty"`
	Trust         []TrustCheck `json:"trust,omitempty"`
	Clocks        *ClockInfo   `json:"clocks,omitempty"`
	// WizardMessage is what the migration wizard would show when the pair
	// fails, with the causes in Findings.
	WizardMessage string        `json:"wizard_message,omitempty"`
	Findings      []Finding     `json:"findings"`
	Checks        []CheckResult `json:"checks"`
	// Incomplete lists checks that could not run (exit code 3).
	Incomplete []string `json:"incomplete,omitempty"`
	// FixFirst is the finding to act on first: the cause that explains the
	// most of the others (an appliance that did not answer, a chain
	// uploaded as a single certificate, a missing root, the wrong CA...).
	FixFirst *Finding `json:"fix_first,omitempty"`
	// Scope says what a passing verdict covers when it covers less than the
	// whole question (probe without --client-cert: the server side only).
	Scope string `json:"scope,omitempty"`
	// ChainVerdict (check) is the one verifier's answer on the file: does
	// the path check shows validate to the file's own root, for the mode's
	// usages and --name, at --at? The rules above say what OME makes of it.
	ChainVerdict *ChainVerdict `json:"chain_verdict,omitempty"`
}

// ChainVerdict is a chain.Verdict as the report shows it.
type ChainVerdict struct {
	Valid bool `json:"valid"`
	// Reason is "valid", or why not: "expired", "not yet valid", "weak
	// signature", "CA usage", "extended key usage", "name constraints",
	// "path length", "host name", "unknown authority", "bad signature",
	// "critical extension", "search bound", "no anchor", "cannot judge"
	// (never valid), "other".
	Reason    string `json:"reason"`
	CertIndex *int   `json:"cert_index"`
	Error     string `json:"error,omitempty"`
}

func chainVerdict(s *Subject) *ChainVerdict {
	v := s.Verdict
	cv := &ChainVerdict{Valid: v.OK(), Reason: v.Reason.String()}
	if v.Err != nil {
		cv.Error = v.Err.Error()
	}
	for i, c := range s.certs() {
		if v.Cert != nil && c.Equal(v.Cert) {
			cv.CertIndex = intp(i)
			break
		}
	}
	return cv
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
func (r *Report) findCause() {
	r.FixFirst = nil
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

// NotCheckedCount counts the checks whose evidence was missing.
func (r *Report) NotCheckedCount() int {
	n := 0
	for _, c := range r.Checks {
		if c.NotChecked() {
			n++
		}
	}
	return n
}

// finish sorts findings and sets the verdict.
func (r *Report) finish() {
	if r.Findings == nil {
		r.Findings = []Finding{}
	}
	if r.Checks == nil {
		r.Checks = []CheckResult{}
	}
	sortFindings(r.Findings)
	r.findCause()
	r.Verdict = VerdictPass
	if len(r.Incomplete) > 0 {
		r.Verdict = VerdictIncomplete
	}
	for _, f := range r.Findings {
		if f.Severity == SevError {
			r.Verdict = VerdictFail
		}
	}
}

// Count returns the number of findings of a severity.
func (r *Report) Count(s Severity) int {
	n := 0
	for _, f := range r.Findings {
		if f.Severity == s {
			n++
		}
	}
	return n
}

// runUpload runs every upload rule on s for side, appending to r.
func (r *Report) runUpload(s *Subject, side string) {
	for _, u := range uploadRules {
		r.record(u.Rule, side, safely(func() []sideResult {
			var out []sideResult
			for _, x := range u.Check(s) {
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
func (r *Report) record(rule *Rule, checkSide string, res []sideResult) bool {
	worst, failed := NA, false
	var reasons []string
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
		}
		if x.Reason != "" {
			continue // not evaluated: the check says why, no finding
		}
		if f, ok := rule.finding(x.Side, x.Result); ok {
			r.Findings = append(r.Findings, f)
			failed = failed || f.Severity == SevError
		}
	}
	cr := CheckResult{Rule: rule.ID, Side: checkSide, Status: worst, Description: rule.Description, Inferred: rule.Inferred}
	if worst <= Pass && len(reasons) > 0 {
		cr.Status, cr.Reason = NA, strings.Join(reasons, "; ")
	}
	r.Checks = append(r.Checks, cr)
	return failed
}

// CheckOptions are the inputs of `check`.
type CheckOptions struct {
	Input *chain.Input
	CSR   *chain.CSR
	Mode  Mode
	At    time.Time
	Name  string
}

// Check answers "will OME accept this upload?".
func Check(o CheckOptions) *Report {
	s := NewSubject(o.Input, o.CSR, o.Mode, o.At, o.Name)
	at := s.At.Truncate(time.Second) // reported to the second, as every time of the reports
	r := &Report{SchemaVersion: SchemaVersion, Command: "check", Mode: s.Mode, EvaluatedAt: &at}
	r.Input = inputInfo(o.Input)
	r.Chain = describeAll(s)
	r.Path = chain.Describe(o.Input.Certs, s.Path.Order)
	if o.CSR != nil {
		r.CSR = csrInfo(o.CSR)
	}
	r.ChainVerdict = chainVerdict(s)
	r.runUpload(s, "")
	r.finish()
	return r
}

// NotCertificate is check's report for a readable file that holds no
// certificate (random bytes, a private key, a CSR, a broken PEM): OME
// refuses the upload with CSEC9002. why is the reader's error, which says
// what the file is.
func NotCertificate(file string, mode Mode, at time.Time, why error) *Report {
	if mode == "" {
		mode = ModeMigration
	}
	at = at.UTC().Truncate(time.Second)
	what := why.Error()
	if pe, ok := why.(*chain.ParseError); ok {
		what = pe.Err.Error()
		if pe.Block > 0 {
			what = fmt.Sprintf("block %d: %s", pe.Block, what)
		}
	}
	r := &Report{SchemaVersion: SchemaVersion, Command: "check", Mode: mode, EvaluatedAt: &at, Chain: []chain.Info{},
		Input: &InputInfo{File: file, Encoding: chain.EncUnknown, Notes: []string{what}}}
	for _, u := range uploadRules {
		if u.ID == "encoding" {
			r.record(u.Rule, "", []sideResult{{Result: Result{Status: Error, Details: fmt.Sprintf(
				"%s holds no certificate (%s); OME refuses it: Unable to upload the certificate because the certificate file provided is invalid", file, what),
				Fix: "Upload the certificate chain your CA issued for this appliance's CSR, as Base64 PEM (leaf, intermediates, root); not the private key, the CSR or another file."}}})
			continue
		}
		r.record(u.Rule, "", []sideResult{{Result: Result{Status: NA, Reason: "the file holds no certificate"}}})
	}
	r.finish()
	return r
}

func inputInfo(in *chain.Input) *InputInfo {
	notes := in.Notes
	if notes == nil {
		notes = []string{}
	}
	return &InputInfo{File: in.File, Encoding: in.Encoding, Notes: notes}
}

func csrInfo(c *chain.CSR) *CSRInfo {
	notes := c.Notes
	if notes == nil {
		notes = []string{}
	}
	return &CSRInfo{File: c.File, Subject: c.Req.Subject.String(), Key: chain.KeyDescription(c.Req.PublicKey),
		SPKISHA256: hexSHA(c.Req.RawSubjectPublicKeyInfo), Notes: notes}
}

func describeAll(s *Subject) []chain.Info {
	out := make([]chain.Info, len(s.Input.Certs))
	for i := range s.Input.Certs {
		out[i] = chain.DescribeCert(s.Input.Certs, s.Path, i)
	}
	return out
}
