package pairing_test

import (
	"crypto"
	"slices"
	"strings"
	"testing"

	"github.com/ome-preflight/ome-preflight/chain"
	"github.com/ome-preflight/ome-preflight/fixtures"
	"github.com/ome-preflight/ome-preflight/pairing"
	"github.com/ome-preflight/ome-preflight/report"
)

// The per-rule tests: for each rule, named inputs and what the rule must
// say about them, asserted through the reports the commands print: the
// check's status, the certificate at fault, a distinctive part of the
// finding (or of the reason, when the rule does not apply), and OME's
// exact MessageId and MessageArgs.

// ruleCase is one named input for one rule.
type ruleCase struct {
	name string
	// run builds the input and runs the command.
	run  func(t *testing.T) *report.Report
	side report.Side // the check's side (SideNone for check, SidePair for pair rules)
	want want
}

// want is what the rule says.
type want struct {
	status report.Status
	// cert is the certificate at fault of the rule's first finding on the
	// side (-1: none).
	cert int
	// details is in that finding's message; for na, in the check's reason
	// ("" for na: the rule does not apply, and says why).
	details string
	// msgID and args are the finding's OME MessageId and MessageArgs.
	msgID string
	args  []string
	// findings, when > 0, is how many findings the rule makes on the side.
	findings int
}

// noOME is the MessageArgs of a finding OME has no message for.
var noOME = []string{}

func runRuleCases(t *testing.T, rule string, cases []ruleCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assertRule(t, tc.run(t), rule, tc.side, tc.want)
		})
	}
}

// assertRule checks rule's verdict on side in r.
func assertRule(t *testing.T, r *report.Report, rule string, side report.Side, w want) {
	t.Helper()
	var check *report.CheckResult
	for i, c := range r.Checks {
		if c.Rule == rule && c.Side == side {
			if check != nil {
				t.Fatalf("two %s checks on side %q", rule, side)
			}
			check = &r.Checks[i]
		}
	}
	if check == nil {
		t.Fatalf("no %s check on side %q", rule, side)
	}
	var fs []report.Finding
	for _, f := range r.Findings {
		// Pair and check findings carry their own side; a pair rule's
		// check side is "pair".
		if f.Rule == rule && (side == report.SidePair || side == report.SideNone || f.Side == side) {
			fs = append(fs, f)
		}
	}
	if check.Status != w.status {
		t.Fatalf("%s: check %s (reason %q), want %s; findings %+v", rule, check.Status, check.Reason, w.status, fs)
	}
	switch w.status {
	case pairing.Pass:
		if len(fs) > 0 {
			t.Errorf("%s passes with findings %+v", rule, fs)
		}
		if check.Reason != "" {
			t.Errorf("%s passes with a reason %q", rule, check.Reason)
		}
		return
	case pairing.NA:
		if len(fs) > 0 {
			t.Errorf("%s not evaluated, yet findings %+v", rule, fs)
		}
		// Every na says why: with details "" the rule does not apply here
		// (not_applicable, with its reason); otherwise the reason names the
		// missing evidence.
		switch {
		case w.details == "" && (!check.NotApplicable || check.Reason == ""):
			t.Errorf("%s na (reason %q, not applicable %v): want not applicable, with a reason", rule, check.Reason, check.NotApplicable)
		case w.details != "" && (check.NotApplicable || !strings.Contains(check.Reason, w.details)):
			t.Errorf("%s na reason %q (not applicable %v), want %q", rule, check.Reason, check.NotApplicable, w.details)
		}
		return
	}
	if len(fs) == 0 {
		t.Fatalf("%s is %s without a finding", rule, check.Status)
	}
	if w.findings > 0 && len(fs) != w.findings {
		t.Errorf("%s: %d findings, want %d: %+v", rule, len(fs), w.findings, fs)
	}
	f := fs[0]
	switch {
	case w.cert < 0 && f.CertIndex != nil:
		t.Errorf("%s: certificate %d at fault, want none", rule, *f.CertIndex)
	case w.cert >= 0 && f.CertIndex == nil:
		t.Errorf("%s: no certificate at fault, want %d", rule, w.cert)
	case w.cert >= 0 && *f.CertIndex != w.cert:
		t.Errorf("%s: certificate %d at fault, want %d", rule, *f.CertIndex, w.cert)
	}
	if !strings.Contains(f.Message, w.details) {
		t.Errorf("%s: message %q, want it to say %q", rule, f.Message, w.details)
	}
	if f.OMEMessageID != w.msgID || !slices.Equal(f.OMEMessageArgs, w.args) || f.OMEMessageArgs == nil {
		t.Errorf("%s: OME %s %q, want %s %q", rule, f.OMEMessageID, f.OMEMessageArgs, w.msgID, w.args)
	}
	wantSev := map[report.Status]report.Severity{pairing.Error: report.SevError, pairing.Warn: report.SevWarning, pairing.Info: report.SevInfo}[w.status]
	if rule := mustRule(t, rule); w.status == pairing.Error && rule.Severity == report.SevWarning {
		wantSev = report.SevWarning
	}
	if f.Severity != wantSev {
		t.Errorf("%s: severity %s, want %s", rule, f.Severity, wantSev)
	}
	if f.Fix == "" || f.Reference == "" || f.Doc != pairing.DocBase+rule {
		t.Errorf("%s: finding without fix, reference or doc: %+v", rule, f)
	}
}

func mustRule(t *testing.T, id string) *pairing.Rule {
	t.Helper()
	r, ok := pairing.RuleByID(id)
	if !ok {
		t.Fatalf("no rule %s", id)
	}
	return r
}

// checkFlags words inputs as the check command does.
func checkFlags(_ report.Side, kind pairing.InputKind) string {
	switch kind {
	case pairing.CSRInput:
		return "--csr"
	case pairing.NameInput:
		return "--name"
	}
	return ""
}

// edits is a shorthand for labPKI's per-id edits.
type edits = map[string]func(*fixtures.Spec)

// checkOf runs check on the certificates ids of p, as a PEM file, at the
// test clock in migration mode; mod changes the options first.
func checkOf(p *fixtures.PKI, ids []string, mod func(o *pairing.CheckOptions)) func(t *testing.T) *report.Report {
	return func(t *testing.T) *report.Report {
		o := pairing.CheckOptions{Input: pairing.LabInput(p, ids...), Mode: report.ModeMigration, At: pairing.TestClock, Flags: checkFlags}
		if mod != nil {
			mod(&o)
		}
		return pairing.Check(o)
	}
}

// checkFile runs check on a file's bytes, read as the command reads them.
func checkFile(name string, data []byte) func(t *testing.T) *report.Report {
	return func(t *testing.T) *report.Report {
		in, err := chain.Parse(name, data, chain.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return pairing.Check(pairing.CheckOptions{Input: in, Mode: report.ModeMigration, At: pairing.TestClock, Flags: checkFlags})
	}
}

// labChain is the source chain of the lab PKI, as a file lists it.
var labChain = []string{"source", "inter", "root"}

// csrOf is a CSR for cn made with key, as the appliance makes it.
func csrOf(t *testing.T, cn string, key crypto.Signer) *chain.CSR {
	t.Helper()
	c, err := chain.ParseCSR("appliance.csr", fixtures.CSR(cn, key))
	if err != nil {
		t.Fatal(err)
	}
	return c
}
