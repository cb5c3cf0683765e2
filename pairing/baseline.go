package pairing

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/ome-preflight/ome-preflight/report"
)

// Baseline is an earlier report of the same appliances that probe
// compares itself with (probe --baseline): each appliance as it was, the
// skew and the verdict.
type Baseline struct {
	File, Command string
	// Pair is the checklist pair the appliances were taken from.
	Pair string
	// Source and Target are the appliances as the baseline saw them; nil
	// for one it does not hold, or that is not probed now.
	Source, Target *report.Appliance
	Verdict        report.Verdict
	// Skew is the pair's clock skew when the baseline measured one.
	Skew *time.Duration
}

// ErrOtherAppliances is a baseline that is not a report of the appliances
// probed now.
var ErrOtherAppliances = errors.New("a report of other appliances")

// ErrNotBaseline is a file that is no report probe can compare with.
var ErrNotBaseline = errors.New("not a probe, compare, check or checklist report")

// BaselineOf takes from an earlier report what probe compares with the
// appliances probed now (source and target: HOST:PORT as probe reports
// them, "" for a side not given). A probe report must be of the same
// addresses, side by side, and share at least one with this probe; a
// compare report's files stand for the appliances (no address to check);
// a check report's one chain is the baseline of a probe of one appliance.
func BaselineOf(file string, r *report.Report, source, target string) (*Baseline, error) {
	b := &Baseline{File: file, Command: r.Command, Verdict: r.Verdict}
	if r.Clocks != nil {
		skew := r.Clocks.Skew
		b.Skew = &skew
	}
	now := map[report.Side]string{report.SideSource: source, report.SideTarget: target}
	take := func(side report.Side, a *report.Appliance) *report.Appliance {
		if now[side] == "" {
			return nil
		}
		return a
	}
	switch r.Command {
	case "probe":
		for _, sd := range []struct {
			side report.Side
			a    *report.Appliance
		}{{report.SideSource, r.Source}, {report.SideTarget, r.Target}} {
			if sd.a != nil && now[sd.side] != "" && !strings.EqualFold(sd.a.Address, now[sd.side]) {
				return nil, fmt.Errorf("%s is %w: its %s is %s, this probe's is %s", file, ErrOtherAppliances, sd.side, sd.a.Address, now[sd.side])
			}
		}
		b.Source, b.Target = take(report.SideSource, r.Source), take(report.SideTarget, r.Target)
		if b.Source == nil && b.Target == nil {
			return nil, fmt.Errorf("%s is %w: it probed %s, this probe %s", file, ErrOtherAppliances, appliances(r.Source, r.Target), appliances(nonEmpty(source), nonEmpty(target)))
		}
	case "compare":
		b.Source, b.Target = take(report.SideSource, r.Source), take(report.SideTarget, r.Target)
	case "check":
		if source != "" && target != "" {
			return nil, fmt.Errorf("%s is a check report: its one chain is the baseline of a probe of one appliance (--source or --target alone)", file)
		}
		a := &report.Appliance{Chain: r.Chain, ClockSource: report.ClockSource{Kind: report.ClockGiven, Text: "check --at"}}
		if r.Input != nil {
			a.File = r.Input.File
		}
		if r.EvaluatedAt != nil {
			a.Clock = *r.EvaluatedAt
		}
		b.Source, b.Target = take(report.SideSource, a), take(report.SideTarget, a)
	default:
		return nil, fmt.Errorf("%s: %w (it says %q)", file, ErrNotBaseline, r.Command)
	}
	return b, nil
}

// BaselineOfChecklist is BaselineOf for a checklist report: the pair whose
// addresses are the ones probed now (one side given: the pair with that
// address on that side, when only one has it).
func BaselineOfChecklist(file string, cl *report.Checklist, source, target string) (*Baseline, error) {
	var found []report.ChecklistPair
	for _, p := range cl.Pairs {
		if p.Report == nil || p.Report.Command != "probe" {
			continue
		}
		match := (source == "" || p.Report.Source != nil && strings.EqualFold(p.Report.Source.Address, source)) &&
			(target == "" || p.Report.Target != nil && strings.EqualFold(p.Report.Target.Address, target))
		if match {
			found = append(found, p)
		}
	}
	switch len(found) {
	case 0:
		return nil, fmt.Errorf("%s is %w: no pair of the checklist was probed at %s", file, ErrOtherAppliances, appliances(nonEmpty(source), nonEmpty(target)))
	case 1:
		b, err := BaselineOf(file, found[0].Report, source, target)
		if b != nil {
			b.Pair = found[0].Name
		}
		return b, err
	}
	var names []string
	for _, p := range found {
		names = append(names, p.Name)
	}
	return nil, fmt.Errorf("%s: pairs %s all probed %s: give both --source and --target, or one pair's report", file, strings.Join(names, ", "), appliances(nonEmpty(source), nonEmpty(target)))
}

func nonEmpty(address string) *report.Appliance {
	if address == "" {
		return nil
	}
	return &report.Appliance{Address: address}
}

// appliances words the sides of a report: "source 10.0.0.5:443, target
// 10.0.0.6:443".
func appliances(src, tgt *report.Appliance) string {
	var out []string
	if src != nil {
		out = append(out, "source "+src.Where())
	}
	if tgt != nil {
		out = append(out, "target "+tgt.Where())
	}
	if len(out) == 0 {
		return "no appliance"
	}
	return strings.Join(out, ", ")
}

// baselineRule compares one appliance now with the baseline.
type baselineRule struct {
	Rule
	// Check judges one side: before is the baseline's appliance, after the
	// one probed now, both with their chains.
	Check func(side report.Side, before, after *report.Appliance) []Result
}

const baselineRef = "issue 22 (change-window evidence: after the change, each appliance serves a chain of the same CA)"

var baselineRules = []*baselineRule{ruleBaselineLeaf, ruleBaselineCA}

var ruleBaselineLeaf = &baselineRule{Rule: Rule{ID: "baseline-leaf", Family: FamilyBaseline, Severity: SevInfo,
	Citation:    baselineRef,
	Description: "With --baseline, the leaf each appliance serves now, against the earlier report: a new leaf under the same CA is a renewal, for the record.",
	Fix:         "Nothing to fix when you installed a new certificate; otherwise check what was uploaded to this appliance."},
	Check: checkBaselineLeaf}

func checkBaselineLeaf(side report.Side, before, after *report.Appliance) []Result {
	b, a := leafOf(before.Chain), leafOf(after.Chain)
	if b.SHA256 == a.SHA256 || caChanged(before.Chain, after.Chain) != "" {
		return nil // the same leaf, or baseline-ca says more
	}
	return []Result{{Status: Info, CertIndex: intp(a.Index), Details: fmt.Sprintf("%s %s serves a new leaf under the same CA: %s, before %s",
		side, after.Where(), leafText(a), leafText(b))}}
}

var ruleBaselineCA = &baselineRule{Rule: Rule{ID: "baseline-ca", Family: FamilyBaseline, Severity: SevError, Inferred: true,
	Citation:    baselineRef + "; KB 000221202 connection validation: both appliances' chains name the same CAs, so a CA changed on one appliance breaks the pairing with the other",
	Description: "With --baseline, each appliance's chain comes from the same CA as in the earlier report (the leaf's issuer, the CA names and their keys).",
	Fix:         "Upload to this appliance a chain issued by the CA of the earlier report, or, if the CA change is intended, upload chains of the new CA to both appliances and probe the pair again."},
	Check: checkBaselineCA}

func checkBaselineCA(side report.Side, before, after *report.Appliance) []Result {
	why := caChanged(before.Chain, after.Chain)
	if why == "" {
		return nil
	}
	return []Result{{Status: Error, Details: fmt.Sprintf("%s %s: its chain is no longer of the CA of the baseline: %s (CAs now %s, before %s)",
		side, after.Where(), why, caText(after.Chain), caText(before.Chain))}}
}

// runBaseline judges each appliance probed now against the baseline with
// the baseline rules, and fills WhatChanged with every item except the
// verdict (whatChangedVerdict, once the verdict is known).
func (r *build) runBaseline(b *Baseline) {
	r.WhatChanged = &report.Changes{Baseline: b.File, Command: b.Command, Pair: b.Pair, Items: []report.Change{}}
	for _, sd := range []struct {
		side          report.Side
		before, after *report.Appliance
	}{{report.SideSource, b.Source, r.Source}, {report.SideTarget, b.Target, r.Target}} {
		if sd.after == nil || sd.before == nil {
			continue
		}
		r.WhatChanged.Items = append(r.WhatChanged.Items, changes(sd.side, sd.before, sd.after)...)
		for _, br := range baselineRules {
			// A pass, unless the check says otherwise; na when a side has
			// no chain to compare.
			res := []sideResult{{sd.side, Result{Status: Pass}}}
			if why := baselineMissing(sd.side, sd.before, sd.after, b.File); why != "" {
				res = []sideResult{{sd.side, Result{Status: NA, Reason: why}}}
			} else {
				res = append(res, safely(func() []sideResult {
					var out []sideResult
					for _, x := range br.Check(sd.side, sd.before, sd.after) {
						out = append(out, sideResult{sd.side, x})
					}
					return out
				})...)
			}
			r.record(&br.Rule, sd.side, res)
		}
	}
	if r.Clocks != nil && b.Skew != nil {
		before, after := *b.Skew, r.Clocks.Skew
		r.WhatChanged.Items = append(r.WhatChanged.Items, report.Change{Side: report.SidePair, Item: report.ChangeSkew,
			Before: skewText(before), After: skewText(after), Changed: (after - before).Abs() > 2*time.Second})
	}
}

// whatChangedVerdict adds the verdict, before -> after.
func (r *build) whatChangedVerdict(b *Baseline) {
	if r.WhatChanged == nil {
		return
	}
	r.WhatChanged.Items = append(r.WhatChanged.Items, report.Change{Side: report.SidePair, Item: report.ChangeVerdict,
		Before: string(b.Verdict), After: string(r.Verdict), Changed: b.Verdict != r.Verdict})
}

// baselineMissing says why an appliance cannot be compared with the
// baseline ("" when it can): a chain is needed on both sides.
func baselineMissing(side report.Side, before, after *report.Appliance, file string) string {
	switch {
	case !after.Reached() || len(after.Chain) == 0:
		return fmt.Sprintf("the %s %s showed no chain now", side, after.Where())
	case !before.Reached() || len(before.Chain) == 0:
		return fmt.Sprintf("%s holds no chain of the %s", file, side)
	}
	return ""
}

// changes are one appliance's items, before -> after: leaf, CA, chain,
// clock and OME version.
func changes(side report.Side, before, after *report.Appliance) []report.Change {
	served := func(a *report.Appliance) bool { return a.Reached() && len(a.Chain) > 0 }
	text := func(a *report.Appliance, f func([]report.Cert) string) string {
		if !served(a) {
			return notServed(a)
		}
		return f(a.Chain)
	}
	leaf := report.Change{Side: side, Item: report.ChangeLeaf, Before: text(before, func(c []report.Cert) string { return leafText(leafOf(c)) }),
		After: text(after, func(c []report.Cert) string { return leafText(leafOf(c)) })}
	leaf.Changed = leaf.Before != leaf.After
	ca := report.Change{Side: side, Item: report.ChangeCA, Before: text(before, caText), After: text(after, caText)}
	ca.Changed = ca.Before != ca.After
	if served(before) && served(after) {
		ca.Changed = caChanged(before.Chain, after.Chain) != ""
	}
	ch := report.Change{Side: side, Item: report.ChangeChain, Before: text(before, chainText), After: text(after, chainText)}
	ch.Changed = ch.Before != ch.After
	if served(before) && served(after) {
		ch.Changed = !slices.Equal(fingerprints(before.Chain), fingerprints(after.Chain))
	}
	clock := report.Change{Side: side, Item: report.ChangeClock, Before: clockText(before), After: clockText(after),
		Changed: before.Reached() && after.Reached() && before.ClockSource.Kind != after.ClockSource.Kind}
	version := report.Change{Side: side, Item: report.ChangeVersion, Before: versionText(before), After: versionText(after)}
	version.Changed = apiVersion(before) != "" && apiVersion(after) != "" && apiVersion(before) != apiVersion(after)
	return []report.Change{leaf, ca, ch, clock, version}
}

func notServed(a *report.Appliance) string {
	if !a.Reached() {
		return "not reached"
	}
	return "no chain"
}

// pathOf is a chain's certificates on the path, leaf first; a served
// chain without path positions keeps its order.
func pathOf(certs []report.Cert) []report.Cert {
	var on []report.Cert
	for _, c := range certs {
		if c.PathPosition != nil {
			on = append(on, c)
		}
	}
	if len(on) == 0 {
		return certs
	}
	sort.SliceStable(on, func(i, j int) bool { return *on[i].PathPosition < *on[j].PathPosition })
	return on
}

func leafOf(certs []report.Cert) report.Cert {
	if p := pathOf(certs); len(p) > 0 {
		return p[0]
	}
	return report.Cert{}
}

func leafText(c report.Cert) string {
	return fmt.Sprintf("%s (SHA-256 %s, serial %s, valid until %s)", certName(c), c.SHA256, c.Serial, c.NotAfter.UTC().Format(time.RFC3339))
}

func certName(c report.Cert) string {
	if c.CommonName != "" {
		return c.CommonName
	}
	return c.Subject.DN
}

// caText is the CAs above the leaf, in path order: "Inter-CA1, Root-CA".
func caText(certs []report.Cert) string {
	p := pathOf(certs)
	if len(p) < 2 {
		return "none served (issuer " + issuerOf(certs, leafOf(certs)) + ")"
	}
	var names []string
	for _, c := range p[1:] {
		names = append(names, certName(c))
	}
	return strings.Join(names, ", ")
}

// chainText is the chain in path order, each certificate with the start
// of its SHA-256: "OMENT-400 [e813b2ce], Inter-CA1 [...], Root-CA [...]
// (3 certificates)".
func chainText(certs []report.Cert) string {
	var names []string
	for _, c := range pathOf(certs) {
		names = append(names, fmt.Sprintf("%s [%.8s]", certName(c), c.SHA256))
	}
	n := len(certs)
	s := fmt.Sprintf("%s (%d certificate", strings.Join(names, ", "), n)
	if n != 1 {
		s += "s"
	}
	return s + ")"
}

func fingerprints(certs []report.Cert) []string {
	var out []string
	for _, c := range certs {
		out = append(out, c.SHA256)
	}
	return out
}

// caChanged says how the CA of after differs from before's ("" when it is
// the same CA): another issuer of the leaf, a CA of the same name with
// another key, another root. A root served on one side only is not a
// change of CA (the chain item shows it).
func caChanged(before, after []report.Cert) string {
	bl, al := leafOf(before), leafOf(after)
	if bl.Issuer.DN != al.Issuer.DN {
		return fmt.Sprintf("the leaf is issued by \"%s\", before by \"%s\"", issuerOf(after, al), issuerOf(before, bl))
	}
	keys := map[string]string{}
	for _, c := range pathOf(before)[1:] {
		keys[c.Subject.DN] = c.SPKISHA256
	}
	for _, c := range pathOf(after)[1:] {
		if k, ok := keys[c.Subject.DN]; ok && k != c.SPKISHA256 {
			return fmt.Sprintf("the CA \"%s\" has another key (public key SHA-256 %s, before %s)", certName(c), c.SPKISHA256, k)
		}
	}
	root := func(certs []report.Cert) *report.Cert {
		p := pathOf(certs)
		if last := p[len(p)-1]; len(p) > 1 && last.Role == "root" {
			return &last
		}
		return nil
	}
	if b, a := root(before), root(after); b != nil && a != nil && (b.Subject.DN != a.Subject.DN || b.SPKISHA256 != a.SPKISHA256) {
		return fmt.Sprintf("the root is \"%s\", before \"%s\"", certName(*a), certName(*b))
	}
	return ""
}

// issuerOf names c's issuer by its certificate's common name when certs
// hold it (a report read back from JSON has no common name in its names),
// else by the issuer's name.
func issuerOf(certs []report.Cert, c report.Cert) string {
	for _, x := range certs {
		if x.Subject.DN == c.Issuer.DN {
			return certName(x)
		}
	}
	return c.Issuer.Short()
}

func clockText(a *report.Appliance) string {
	if !a.Reached() {
		return "not read (not reached)"
	}
	return fmt.Sprintf("%s (%s)", a.Clock.UTC().Format(time.RFC3339), a.ClockSource)
}

func apiVersion(a *report.Appliance) string {
	if a.Observed == nil || a.Observed.API == nil {
		return ""
	}
	return a.Observed.API.Version
}

func versionText(a *report.Appliance) string {
	if v := apiVersion(a); v != "" {
		return "OME " + v
	}
	return "not read"
}

func skewText(d time.Duration) string {
	return d.Abs().Round(time.Second).String()
}
