// Package render turns ome-preflight's reports into what people and
// programs read: text, Markdown, the HTML checklist with its timelines, the
// rules catalogue, and JSON. It holds every renderer; values that come from
// certificates, appliances or logs are made inert here (escape.go).
package render

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ome-preflight/ome-preflight/i18n"
	"github.com/ome-preflight/ome-preflight/report"
)

// RenderOptions tune the human renderers.
type RenderOptions struct {
	Color bool
}

// Formats lists the values --format accepts.
func Formats() []string { return []string{"text", "json", "markdown", "summary"} }

// Render writes r in format to w.
func Render(w io.Writer, r *report.Report, format string, o RenderOptions) error {
	switch format {
	case "json":
		return RenderJSON(w, r)
	case "markdown", "md":
		return RenderMarkdown(w, r)
	case "summary":
		return RenderSummary(w, r)
	default:
		return RenderText(w, r, o)
	}
}

// RenderJSON writes the report as indented JSON.
func RenderJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

type painter struct{ on bool }

func (p painter) paint(code, s string) string {
	if !p.on {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}
func (p painter) red(s string) string    { return p.paint("31", s) }
func (p painter) green(s string) string  { return p.paint("32", s) }
func (p painter) yellow(s string) string { return p.paint("33", s) }
func (p painter) bold(s string) string   { return p.paint("1", s) }

// RenderText writes the human report: the certificate table, then findings
// grouped by severity with their fixes, then the verdict.
func RenderText(w io.Writer, r *report.Report, o RenderOptions) error {
	r = Safe(r)
	p := painter{o.Color}
	b := &strings.Builder{}
	runText(b, r.Run)
	switch r.Command {
	case "check":
		fmt.Fprintf(b, "%s %s\n", p.bold("check"), tr("text.check.head", "%s (%s, %s), mode %s, at %s", r.Input.File, r.Input.Encoding,
			countOf("certificate", len(r.Chain)), r.Mode, r.EvaluatedAt.Format(time.RFC3339)))
		if len(r.Input.Notes) > 0 {
			fmt.Fprintf(b, "  %s\n", tr("text.file", "file: %s", strings.Join(r.Input.Notes, "; ")))
		}
		if len(r.Chain) > 0 {
			b.WriteString("\n")
			certTable(b, r.Chain, *r.EvaluatedAt)
			fmt.Fprintf(b, "\n%s\n", tr("text.path", "path: %s", r.Path))
		}
		if r.CSR != nil {
			fmt.Fprintf(b, "csr:  %s (%s, %s)\n", r.CSR.File, r.CSR.Subject, r.CSR.Key)
		}
	case "csr":
		csrText(b, r.CSR, p)
	case "template":
		templateText(b, r, p)
	default:
		renderPairText(b, r, p)
	}
	fixFirstText(b, r, p)
	findingsText(b, r.Findings, p)
	notCheckedText(b, r, p)
	verdictText(b, r, p)
	_, err := io.WriteString(w, trimLines(b.String()))
	return err
}

// csrText is the csr report's head: the CSR as read, and the names the
// certificate will have to cover.
func csrText(b *strings.Builder, c *report.CSRInfo, p painter) {
	if c == nil {
		return
	}
	fmt.Fprintf(b, "%s %s\n", p.bold("csr"), c.File)
	if len(c.Notes) > 0 {
		fmt.Fprintf(b, "  %s: %s\n", tr("csr.label.file", "file"), strings.Join(c.Notes, "; "))
	}
	l := padLabels(tr("csr.label.subject", "subject"), tr("csr.label.key", "key"), "SAN")
	fmt.Fprintf(b, "  %s%s\n  %s%s (SPKI SHA-256 %s)\n  %s%s\n", l[0], orDash(c.Subject), l[1], c.Key, c.SPKISHA256, l[2], orDash(strings.Join(c.SAN, ", ")))
	fmt.Fprintf(b, "\n%s\n", tr("csr.cover", "The certificate issued for this CSR will have to cover: %s", orDash(strings.Join(c.Names, ", "))))
}

// runText is the text report's first lines: the tool's version, when it
// ran, and each input file's SHA-256.
func runText(b *strings.Builder, run *report.Run) {
	if run == nil {
		return
	}
	b.WriteString(tr("run.text", "%s %s, ran %s", run.Tool, run.Version, run.At.Format(time.RFC3339)) + "\n")
	for _, h := range run.Inputs {
		fmt.Fprintf(b, "  %s\n", inputLine(h))
	}
	b.WriteString("\n")
}

// runMarkdown is the Markdown report's run: version, time, input hashes.
func runMarkdown(b *strings.Builder, run *report.Run) {
	if run == nil {
		return
	}
	b.WriteString(tr("run.ran-by", "Ran by %s %s at %s.", run.Tool, mdEsc(run.Version), run.At.Format(time.RFC3339)))
	if len(run.Inputs) > 0 {
		b.WriteString(" " + tr("run.inputs", "Inputs:") + "\n\n")
		for _, h := range run.Inputs {
			if h.SHA256 == "" {
				fmt.Fprintf(b, "- %s %s: %s\n", h.Role, mdEsc(h.File), mdEsc(h.Error))
				continue
			}
			// Bytes as a string: the catalogue's %d would group digits.
			fmt.Fprintf(b, "- %s\n", tr("run.input.md", "%s %s: SHA-256 `%s` (%s bytes)", h.Role, mdEsc(h.File), h.SHA256, strconv.FormatInt(h.Bytes, 10)))
		}
	} else {
		b.WriteString("\n")
	}
	b.WriteString("\n")
}

func certTable(b *strings.Builder, certs []report.Cert, at time.Time) {
	tw := newTable(b)
	fmt.Fprintln(tw, "  #\t"+tr("table.role", "role")+"\t"+tr("table.issued-to", "issued to")+"\t"+tr("table.issued-by", "issued by")+"\t"+tr("table.valid-until", "valid until")+"\t"+tr("table.key", "key")+"\tEKU\tKU")
	for _, c := range certs {
		left := c.NotAfter.Sub(at)
		until := c.NotAfter.Format("2006-01-02")
		switch {
		case at.Before(c.NotBefore):
			until += " (" + tr("cert.not-yet-valid", "not yet valid") + ")"
		case left < 0:
			until += " (" + tr("cert.expired", "expired") + ")"
		default:
			until += fmt.Sprintf(" (%s)", report.Human(left))
		}
		fmt.Fprintf(tw, "  %d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", c.Index, c.Role, shortName(c.CommonName, c.Subject.DN), c.Issuer.Short(),
			until, c.Key, ekuMarks(c.ExtKeyUsage, c.IsCA), kuMarks(c.KeyUsage))
	}
	tw.Flush()
}

func shortName(cn, subject string) string {
	if cn != "" {
		return cn
	}
	if subject == "" {
		return "(" + tr("cert.empty-subject", "empty subject") + ")"
	}
	return "(" + tr("cert.no-cn", "no CN") + ") " + subject
}

func ekuMarks(eku []string, isCA bool) string {
	var m []string
	for _, e := range eku {
		switch e {
		case "serverAuth":
			m = append(m, "server")
		case "clientAuth":
			m = append(m, "client")
		}
	}
	if len(m) == 0 {
		if len(eku) == 0 {
			return "-"
		}
		return "other"
	}
	return strings.Join(m, "+")
}

func kuMarks(ku []string) string {
	abbr := map[string]string{"digitalSignature": "DS", "keyEncipherment": "KE", "keyCertSign": "CertSign", "cRLSign": "CRL",
		"keyAgreement": "KA", "dataEncipherment": "DE", "contentCommitment": "NR", "encipherOnly": "EO", "decipherOnly": "DO"}
	var m []string
	for _, k := range ku {
		m = append(m, abbr[k])
	}
	if len(m) == 0 {
		return "-"
	}
	return strings.Join(m, ",")
}

// mdFixFirst is the Markdown "fix this first" line.
func mdFixFirst(b *strings.Builder, r *report.Report) {
	if f := r.FixFirst; f != nil {
		side := ""
		if f.Side != "" {
			side = sideWord(f.Side) + ": "
		}
		fmt.Fprintf(b, "**%s** (`%s`): %s%s", tr("heading.fix-first", "Fix this first"), f.Rule, side, mdEsc(msg(*f)))
		if f.Fix != "" {
			fmt.Fprintf(b, "\n\n%s: %s", tr("word.Fix", "Fix"), mdEsc(fix(*f)))
		}
		b.WriteString("\n\n")
	}
}

// fixFirstText leads with the cause: one finding to act on, and how many of
// the others follow from it.
func fixFirstText(b *strings.Builder, r *report.Report, p painter) {
	f := r.FixFirst
	if f == nil {
		return
	}
	n := 0
	for _, x := range r.Findings {
		if x.ConsequenceOf != "" {
			n++
		}
	}
	side := ""
	if f.Side != "" {
		side = sideWord(f.Side) + ": "
	}
	fmt.Fprintf(b, "\n%s [%s] %s%s\n", p.bold(tr("heading.FIX-FIRST", "FIX THIS FIRST")), f.Rule, side, msg(*f))
	if f.Fix != "" {
		fmt.Fprintf(b, "      %s: %s\n", tr("word.fix", "fix"), fix(*f))
	}
	if n > 0 {
		fmt.Fprintf(b, "      (%s)\n", tr("text.follow-count", "%d of the findings below follow from it", n))
	}
}

func findingsText(b *strings.Builder, fs []report.Finding, p painter) {
	groups := []struct {
		sev   report.Severity
		title string
		mark  string
		color func(string) string
	}{
		{report.SevError, tr("heading.errors", "Errors"), "X", p.red},
		{report.SevWarning, tr("heading.warnings", "Warnings"), "!", p.yellow},
		{report.SevInfo, tr("heading.info", "Info"), "i", func(s string) string { return s }},
	}
	for _, g := range groups {
		var in []report.Finding
		for _, f := range fs {
			if f.Severity == g.sev {
				in = append(in, f)
			}
		}
		if len(in) == 0 {
			continue
		}
		fmt.Fprintf(b, "\n%s (%d)\n", p.bold(g.title), len(in))
		for _, f := range in {
			side := ""
			if f.Side != "" {
				side = sideWord(f.Side) + ": "
			}
			follows := ""
			if f.ConsequenceOf != "" {
				follows = " (" + tr("text.follows-from", "follows from %s", f.ConsequenceOf) + ")"
			}
			fmt.Fprintf(b, "  %s [%s%s] %s%s%s\n", g.color(g.mark), f.Rule, inferredMark(f.Reference), side, msg(f), follows)
			if f.OMEMessageID != "" {
				fmt.Fprintf(b, "      OME: %s%s\n", f.OMEMessageID, argsText(f.OMEMessageArgs))
			}
			if f.Severity != report.SevInfo && f.Fix != "" {
				fmt.Fprintf(b, "      %s: %s\n", tr("word.fix", "fix"), fix(f))
			}
		}
	}
	if len(fs) > 0 {
		b.WriteString("\n(" + tr("text.rule-docs", "a rule's documentation: ome-preflight rules RULE") + ")\n")
	}
}

func argsText(args []string) string {
	if len(args) == 0 {
		return ""
	}
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = fmt.Sprintf("%q", a)
	}
	return " [" + strings.Join(q, ", ") + "]"
}

// notCheckedText lists the checks whose evidence was missing: neither pass
// nor fail.
func notCheckedText(b *strings.Builder, r *report.Report, p painter) {
	if r.NotCheckedCount() == 0 {
		return
	}
	b.WriteString("\n" + p.bold(tr("heading.NOT-CHECKED", "NOT CHECKED")) + "\n")
	// An appliance not reached is one line, whatever it left unchecked.
	for _, nr := range notReachedGroups(r) {
		fmt.Fprintf(b, "  ? %s: %s\n", tr("text.obs.not-reached", "not reached"), nr.line())
	}
	// One line per reason and set of sides: "no --user" leaves six rules on
	// two sides. A rule not checked on one side only is not listed with
	// rules not checked on both.
	type ruleSides struct {
		why, rule string
		sides     []string
	}
	var per []*ruleSides
	index := map[[2]string]*ruleSides{}
	for _, c := range r.Checks {
		if !c.NotChecked() || c.NotReached != "" {
			continue
		}
		k := [2]string{c.Reason, c.Rule}
		rs := index[k]
		if rs == nil {
			rs = &ruleSides{why: reason(c.Rule, c.Reason), rule: c.Rule}
			index[k] = rs
			per = append(per, rs)
		}
		if c.Side != report.SideNone && c.Side != report.SidePair && !slices.Contains(rs.sides, sideWord(c.Side)) {
			rs.sides = append(rs.sides, sideWord(c.Side))
		}
	}
	type group struct {
		why   string
		rules []string
		side  string
	}
	var lines []*group
	byKey := map[[2]string]*group{}
	for _, rs := range per {
		side := ""
		if len(rs.sides) > 0 {
			side = " (" + strings.Join(rs.sides, ", ") + ")"
		}
		k := [2]string{rs.why, side}
		g := byKey[k]
		if g == nil {
			g = &group{why: rs.why, side: side}
			byKey[k] = g
			lines = append(lines, g)
		}
		g.rules = append(g.rules, rs.rule)
	}
	for _, g := range lines {
		fmt.Fprintf(b, "  ? %s%s %s: %s\n", strings.Join(g.rules, ", "), g.side, tr("text.not-checked", "not checked"), g.why)
	}
}

// notReachedGroup is the checks an appliance not reached left unchecked.
type notReachedGroup struct {
	side    report.Side
	address string
	// count is the number of checks per side of the check (the
	// appliance's own, the pair's, the peer's that need it).
	count map[report.Side]int
}

// notReachedGroups are the report's appliances not reached that left
// checks unchecked, source first.
func notReachedGroups(r *report.Report) []notReachedGroup {
	var out []notReachedGroup
	for _, sd := range []struct {
		name report.Side
		a    *report.Appliance
	}{{report.SideSource, r.Source}, {report.SideTarget, r.Target}} {
		if sd.a == nil || sd.a.Reached() {
			continue
		}
		g := notReachedGroup{side: sd.name, address: sd.a.Address, count: map[report.Side]int{}}
		for _, c := range r.Checks {
			if c.NotChecked() && c.NotReached == sd.name {
				g.count[c.Side]++
			}
		}
		out = append(out, g)
	}
	return out
}

// line says which appliance, and how many checks it left unchecked:
// "the target 10.0.0.6:443, so 28 checks of the target, the 6 pair checks
// and 2 of the source that need it were not checked".
func (g notReachedGroup) line() string {
	var parts []string
	if n := g.count[g.side]; n > 0 {
		parts = append(parts, tr("unreached.own", "%s of the %s", countOf("check", n), sideWord(g.side)))
	}
	if n := g.count[report.SidePair]; n > 0 {
		parts = append(parts, tr("unreached.pair", "%s of the pair", countOf("check", n)))
	}
	if n := g.count[g.side.Other()]; n > 0 {
		form := map[bool]string{true: "one", false: "other"}[n == 1]
		parts = append(parts, tr("unreached.peer."+form, "%s of the %s that need"+map[bool]string{true: "s"}[n == 1]+" it", countOf("check", n), sideWord(g.side.Other())))
	}
	line := tr("unreached.line", "the %s %s (live-unreachable)", sideWord(g.side), g.address)
	if len(parts) > 0 {
		line = tr("unreached.left", "%s: %s left unchecked", line, joinAnd(parts))
	}
	return line
}

// joinAnd is "a", "a and b", "a, b and c" in the run's language.
func joinAnd(parts []string) string {
	if len(parts) < 2 {
		return strings.Join(parts, "")
	}
	return tr("join.and", "%s and %s", strings.Join(parts[:len(parts)-1], ", "), parts[len(parts)-1])
}

// inferredMark flags a finding whose rule is our reading, not Dell's.
func inferredMark(reference string) string {
	if strings.HasPrefix(reference, "inferred:") {
		return ", " + tr("word.inferred", "inferred")
	}
	return ""
}

func verdictText(b *strings.Builder, r *report.Report, p painter) {
	e, w := r.Count(report.SevError), r.Count(report.SevWarning)
	var v string
	switch r.Verdict {
	case report.VerdictPass:
		v = p.green(tr("verdict.PASS", "PASS"))
	case report.VerdictFail:
		v = p.red(tr("verdict.FAIL", "FAIL"))
	default:
		v = p.yellow(tr("verdict.INCOMPLETE", "INCOMPLETE"))
	}
	what := map[string]string{
		"check":   map[bool]string{true: tr("verdict.check.pass", "OME should accept this upload"), false: tr("verdict.check.fail", "OME would refuse this upload")}[r.Verdict != report.VerdictFail],
		"compare": map[bool]string{true: tr("verdict.pair.pass", "these appliances should pair"), false: tr("verdict.pair.fail", "these appliances would not pair")}[r.Verdict != report.VerdictFail],
		"probe":   map[bool]string{true: tr("verdict.pair.pass", "these appliances should pair"), false: tr("verdict.pair.fail", "these appliances would not pair")}[r.Verdict != report.VerdictFail],
		"csr":     map[bool]string{true: tr("verdict.csr.pass", "this CSR is ready to be signed"), false: tr("verdict.csr.fail", "do not have this CSR signed")}[r.Verdict != report.VerdictFail],
		"template": map[bool]string{true: tr("verdict.template.pass", "OME should accept a certificate issued from this template"),
			false: tr("verdict.template.fail", "OME would refuse a certificate issued from this template")}[r.Verdict != report.VerdictFail],
	}[r.Command]
	if r.Command == "probe" && (r.Source == nil || r.Target == nil) {
		what = map[bool]string{true: tr("verdict.one.pass", "nothing found on this appliance that would stop the migration"),
			false: tr("verdict.one.fail", "this appliance would stop the migration")}[r.Verdict != report.VerdictFail]
	}
	if r.Verdict == report.VerdictIncomplete {
		what = tr("verdict.incomplete", "could not be determined: %s could not run, %s not checked", countOf("step", len(r.Incomplete)), countOf("check", r.NotCheckedCount()))
	}
	if r.Verdict == report.VerdictPass && r.Scope != "" {
		what += " (" + r.Scope + ")"
	}
	fmt.Fprintf(b, "\n%s: %s (%s, %s)\n", v, what, countOf("error", e), countOf("warning", w))
	for _, s := range r.Incomplete {
		fmt.Fprintf(b, "  %s: %s\n", tr("text.not-run", "not run"), stepText(s))
	}
}

// RenderMarkdown writes a checklist: one box per requirement, then the
// certificate table and findings.
func RenderMarkdown(w io.Writer, r *report.Report) error {
	r = Safe(r)
	b := &strings.Builder{}
	switch r.Command {
	case "check":
		fmt.Fprintf(b, "# %s: %s\n\n", tr("md.title.check", "OME upload check"), mdEsc(r.Input.File))
		b.WriteString(tr("md.verdict.check", "Verdict: **%s**, mode %s, evaluated at %s.", verdictWord(r.Verdict), r.Mode, r.EvaluatedAt.Format(time.RFC3339)) + "\n\n")
		mdFixFirst(b, r)
	case "csr":
		fmt.Fprintf(b, "# %s: %s\n\n", tr("md.title.csr", "OME CSR check"), mdEsc(r.CSR.File))
		b.WriteString(tr("md.verdict", "Verdict: **%s**.", verdictWord(r.Verdict)) + "\n\n")
		mdFixFirst(b, r)
	case "template":
		templateMarkdown(b, r)
	default:
		pairMarkdownHeader(b, r)
	}
	if rules := ruleList(r, report.SevError); rules != "" {
		fmt.Fprintf(b, "%s: %s.\n\n", tr("heading.errors", "Errors"), mdEsc(rules))
	}
	runMarkdown(b, r.Run)
	// The details fold below the summary: a ticket shows the verdict and
	// its cause, not 48 rows of passes.
	fmt.Fprintf(b, "<details><summary>%s</summary>\n\n", tr("md.details", "Details: checklist (%d checks, %d not checked), certificates, findings (%d)", len(r.Checks), r.NotCheckedCount(), len(r.Findings)))
	b.WriteString("## " + tr("md.checklist", "Checklist") + "\n\n")
	said := map[report.Side]bool{}
	for _, c := range r.Checks {
		side := ""
		if c.Side != "" {
			side = sideWord(c.Side) + ": "
		}
		if c.NotChecked() && c.NotReached != "" {
			// An appliance not reached is one line, where its first check
			// would have been.
			if !said[c.NotReached] {
				said[c.NotReached] = true
				for _, g := range notReachedGroups(r) {
					if g.side == c.NotReached {
						fmt.Fprintf(b, "- (%s) %s: %s\n", tr("text.not-checked", "not checked"), tr("text.obs.not-reached", "not reached"), mdEsc(g.line()))
					}
				}
			}
			continue
		}
		if c.NotChecked() {
			// Neither ticked nor failed: a line of its own, saying why.
			fmt.Fprintf(b, "- (%s) %s%s `%s`: %s\n", tr("text.not-checked", "not checked"), side, mdEsc(ruleText(c.Rule, "description", c.Description)), c.Rule, mdEsc(reason(c.Rule, c.Reason)))
			continue
		}
		if c.Status == report.NA {
			continue // does not apply
		}
		box := "[x]"
		note := ""
		switch c.Status {
		case report.Error, report.Fatal:
			box = "[ ]"
		case report.Warn:
			box, note = "[ ]", " ("+tr("word.warning", "warning")+")"
		case report.Info:
			note = " (" + tr("word.info", "info") + ")"
		}
		fmt.Fprintf(b, "- %s %s%s `%s`%s\n", box, side, mdEsc(ruleText(c.Rule, "description", c.Description)), c.Rule, note)
	}
	if r.Command == "check" {
		b.WriteString("\n## " + tr("md.certificates", "Certificates") + "\n\n" + mdCertHeader())
		for _, c := range r.Chain {
			fmt.Fprintf(b, "| %d | %s | %s | %s | %s | %s | %s | %s | %s |\n", c.Index, c.Role, mdEsc(shortName(c.CommonName, c.Subject.DN)), mdEsc(c.Issuer.Short()),
				c.NotBefore.Format(time.RFC3339), c.NotAfter.Format(time.RFC3339), c.Key, ekuMarks(c.ExtKeyUsage, c.IsCA), kuMarks(c.KeyUsage))
		}
		fmt.Fprintf(b, "\n%s: %s\n", tr("word.Path", "Path"), mdEsc(r.Path))
	} else if r.Command == "csr" {
		c := r.CSR
		fmt.Fprintf(b, "\n## CSR\n\n- %s\n- %s\n- %s\n- %s\n", tr("csr.md.subject", "Subject: %s", mdEsc(orDash(c.Subject))), tr("csr.md.key", "Key: %s (SPKI SHA-256 `%s`)", c.Key, c.SPKISHA256),
			tr("csr.md.san", "Subject alternative names: %s", mdEsc(orDash(strings.Join(c.SAN, ", ")))), tr("csr.md.cover", "Names the certificate will have to cover: %s", mdEsc(orDash(strings.Join(c.Names, ", ")))))
		if len(c.Notes) > 0 {
			fmt.Fprintf(b, "- %s\n", tr("csr.md.file", "File: %s", mdEsc(strings.Join(c.Notes, "; "))))
		}
	} else if r.Command == "template" {
		templateMarkdownBody(b, r)
	} else {
		pairMarkdownBody(b, r)
	}
	if len(r.Findings) > 0 {
		b.WriteString("\n## " + tr("md.findings", "Findings") + "\n\n")
		b.WriteString(tr("md.rule-docs", RuleDocsNote) + "\n\n")
		for _, f := range r.Findings {
			side := ""
			if f.Side != "" {
				side = sideWord(f.Side) + ": "
			}
			fmt.Fprintf(b, "- **%s** [`%s`](%s \"offline: ome-preflight rules %s\")%s %s%s", f.Severity, f.Rule, f.Doc, f.Rule, inferredMark(f.Reference), side, mdEsc(msg(f)))
			if f.OMEMessageID != "" {
				fmt.Fprintf(b, " (OME %s%s)", f.OMEMessageID, mdEsc(argsText(f.OMEMessageArgs)))
			}
			b.WriteString("\n")
			if f.Severity != report.SevInfo && f.Fix != "" {
				fmt.Fprintf(b, "  - %s: %s\n", tr("word.Fix", "Fix"), mdEsc(fix(f)))
			}
		}
	}
	b.WriteString("\n</details>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// RuleDocsNote says where a rule's documentation is when the web is not:
// in the binary.
const RuleDocsNote = "Each rule's documentation ships in the binary: run `ome-preflight rules RULE` (id, severity, OME message, citation, fix); the links need the web."

// RenderRules writes the catalogue.
func RenderRules(w io.Writer, rules []report.RuleInfo, format string) error {
	switch format {
	case "json":
		return RenderJSON(w, report.RulesReport{SchemaVersion: report.SchemaVersion, Command: "rules", Rules: rules})
	case "markdown", "md":
		b := &strings.Builder{}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s | %s |\n|---|---|---|---|---|---|---|\n", tr("rules.col.rule", "rule"), tr("rules.col.family", "family"), tr("rules.col.severity", "severity"),
			tr("rules.col.ome", "OME error"), tr("rules.col.reference", "reference"), tr("rules.col.models", "models"), tr("rules.col.checks", "checks"))
		for _, r := range rules {
			ome := r.OMEMessageID
			if len(r.OMEMessageArgs) > 0 {
				ome += argsText(r.OMEMessageArgs)
			}
			if ome == "" {
				ome = "-"
			}
			fmt.Fprintf(b, "| <a id=\"rule-%s\"></a>`%s` | %s | %s | %s | %s | %s | %s |\n", r.ID, r.ID, r.Family, r.Severity, mdEsc(strings.TrimSpace(ome)), mdEsc(r.Reference), mdEsc(r.Models), mdEsc(ruleText(r.ID, "description", r.Description)))
		}
		_, err := io.WriteString(w, b.String())
		return err
	default:
		b := &strings.Builder{}
		for _, r := range rules {
			ome := r.OMEMessageID
			if len(r.OMEMessageArgs) > 0 {
				ome += argsText(r.OMEMessageArgs)
			}
			if ome == "" {
				ome = "(" + tr("rules.no-ome", "no OME message") + ")"
			}
			l := padLabels("OME", tr("rules.label.ref", "ref"), tr("word.fix", "fix"))
			fmt.Fprintf(b, "%s  [%s, %s]\n  %s\n  %s%s\n  %s%s\n  %s%s\n\n", r.ID, r.Family, r.Severity, ruleText(r.ID, "description", r.Description), l[0], ome, l[1], r.Reference, l[2], ruleText(r.ID, "fix", r.Fix))
		}
		_, err := io.WriteString(w, b.String())
		return err
	}
}

// RenderRule writes one rule's documentation, as it ships in the binary.
func RenderRule(w io.Writer, r report.RuleInfo, format string) error {
	switch format {
	case "json":
		return RenderJSON(w, report.RulesReport{SchemaVersion: report.SchemaVersion, Command: "rules", Rules: []report.RuleInfo{r}})
	case "markdown", "md":
		return RenderRules(w, []report.RuleInfo{r}, format)
	}
	ome := "(" + tr("rules.none", "none: OME raises no message of its own for this rule") + ")"
	if r.OMEMessageID != "" {
		ome = r.OMEMessageID
		if len(r.OMEMessageArgs) > 0 {
			ome += ", MessageArgs" + argsText(r.OMEMessageArgs)
		}
	}
	b := &strings.Builder{}
	l := padLabels(tr("rules.label.family", "family"), tr("rules.label.severity", "severity"), tr("rules.label.ome", "OME message"), tr("rules.label.citation", "citation"), tr("rules.label.models", "models"))
	fmt.Fprintf(b, "%s\n  %s%s\n  %s%s\n  %s%s\n  %s%s\n  %s%s\n\n", r.ID, l[0], r.Family, l[1], r.Severity, l[2], ome, l[3], r.Reference, l[4], r.Models)
	fmt.Fprintf(b, "%s:\n  %s\n\n%s:\n  %s\n", tr("rule.what", "What it checks"), ruleText(r.ID, "description", r.Description), tr("word.Fix", "Fix"), ruleText(r.ID, "fix", r.Fix))
	_, err := io.WriteString(w, b.String())
	return err
}

func sideHeader(side report.Side, sd *report.Appliance) string {
	name := sideWord(side)
	if sd == nil {
		return tr("text.side.not-given", "%s: not given (one appliance alone)", name)
	}
	h := tr("text.side.clock", "%s: %s, clock %s (%s)", name, sd.Where(), sd.Clock.Format(time.RFC3339), clockSource(sd.ClockSource))
	if !sd.Reached() {
		h = tr("text.side.not-reached", "%s: %s, not reached (its clock was not read)", name, sd.Address)
	}
	if sd.Address != "" && sd.File != "" {
		h += tr("text.side.offline", "; the chain you expect it to serve, %s, checked offline at this machine's clock", sd.File)
	}
	return h
}

// kbTable draws the KB's side-by-side table: source issued to, issued by,
// <-> or X, target issued to, issued by.
func kbTable(b *strings.Builder, rows []report.Row, p painter) {
	tw := newTable(b)
	fmt.Fprintln(tw, "  "+tr("kb.source-to", "source issued to")+"\t"+tr("kb.source-by", "source issued by")+"\t\t"+tr("kb.target-to", "target issued to")+"\t"+tr("kb.target-by", "target issued by")+"\t")
	for _, r := range rows {
		cell := func(c *report.RowCert) (string, string) {
			if c == nil {
				return "-", "-"
			}
			return c.Subject.Short(), c.Issuer.Short()
		}
		a1, a2 := cell(r.Source)
		b1, b2 := cell(r.Target)
		// Pad before painting so the escape codes do not upset tabwriter.
		mark, note := "<->", ""
		if !r.Match {
			mark = "X"
		} else if !r.SameKey {
			mark, note = "X", tr("kb.same-names", "same names, different keys")
		}
		painted := p.green(fmt.Sprintf("%-3s", mark))
		if mark == "X" {
			painted = p.red(fmt.Sprintf("%-3s", mark))
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\n", a1, a2, painted, b1, b2, note)
	}
	tw.Flush()
}

func renderPairText(b *strings.Builder, r *report.Report, p painter) {
	fmt.Fprintf(b, "%s\n  %s\n  %s\n", p.bold(r.Command), sideHeader(report.SideSource, r.Source), sideHeader(report.SideTarget, r.Target))
	if len(r.Rows) > 0 {
		b.WriteString("\n")
		kbTable(b, r.Rows, p)
	}
	if len(r.Trust) > 0 {
		b.WriteString("\n" + tr("text.trust.head", "trust (each appliance verifies the other's chain with its own root, at its own clock):") + "\n")
		for _, t := range r.Trust {
			mark := p.green("ok  ")
			if !t.OK {
				mark = p.red("FAIL")
			}
			fmt.Fprintf(b, "  %s %s\n", mark, tr("text.trust.line", "%s accepts %s as %s (%s)", sideWord(t.Verifier), sideWord(t.Presenter), roleWord(t.Usage), t.Usage))
		}
	}
	for _, sd := range []struct {
		name report.Side
		s    *report.Appliance
	}{{report.SideSource, r.Source}, {report.SideTarget, r.Target}} {
		if sd.s == nil {
			continue
		}
		if o := sd.s.Observed; o != nil && sd.s.Reached() {
			// Nothing was observed of an appliance not reached: no
			// statement about it, no clock.
			observedText(b, sd.name, o, p)
		}
	}
	if c := r.Clocks; c != nil {
		b.WriteString("\n" + tr("text.clocks", "clocks: skew %s (max %s), change window %s", report.Human(c.Skew.Abs()), report.Human(c.MaxSkew), report.Human(c.Window)) + "\n")
	}
	whatChangedText(b, r.WhatChanged, p)
	if r.WizardMessage != "" {
		fmt.Fprintf(b, "\n%s:\n  %s\n", tr("text.wizard-would-say", "The migration wizard would say"), p.red(r.WizardMessage))
		b.WriteString(tr("text.because", "because") + ":\n")
		// Causes in catalogue order, pair and live rules only.
		for _, f := range r.WizardCauses() {
			fmt.Fprintf(b, "  - [%s] %s\n", f.Rule, firstClause(msg(f)))
		}
	}
}

func pairMarkdownHeader(b *strings.Builder, r *report.Report) {
	if r.Source == nil || r.Target == nil {
		name, a := "source", r.Source
		if a == nil {
			name, a = "target", r.Target
		}
		fmt.Fprintf(b, "# %s\n\n", tr("md.title.one", "OME appliance %s: the %s %s alone", r.Command, sideWord(report.Side(name)), mdEsc(a.Where())))
	} else {
		fmt.Fprintf(b, "# %s %s: %s -> %s\n\n", tr("md.title.pair", "OME migration pairing"), r.Command, mdEsc(r.Source.Where()), mdEsc(r.Target.Where()))
	}
	b.WriteString(tr("md.verdict", "Verdict: **%s**.", verdictWord(r.Verdict)) + "\n\n")
	mdFixFirst(b, r)
	if r.WizardMessage != "" {
		fmt.Fprintf(b, "> %s: %s\n\n", tr("text.wizard-would-say", "The migration wizard would say"), r.WizardMessage)
	}
	for _, sd := range []struct {
		side report.Side
		a    *report.Appliance
	}{{report.SideSource, r.Source}, {report.SideTarget, r.Target}} {
		name := sideTitle(sd.side)
		switch a := sd.a; {
		case a == nil:
			fmt.Fprintf(b, "- %s\n", tr("text.side.not-given", "%s: not given (one appliance alone)", name))
		case !a.Reached():
			fmt.Fprintf(b, "- %s\n", tr("md.side.not-reached", "%s %s: not reached, its clock was not read (`live-unreachable`)", name, mdEsc(a.Address)))
		default:
			fmt.Fprintf(b, "- %s\n", tr("md.side.clock", "%s clock: %s (%s)", name, a.Clock.Format(time.RFC3339), clockSource(a.ClockSource)))
		}
		if a := sd.a; a != nil && a.Address != "" && a.File != "" {
			fmt.Fprintf(b, "- %s\n", tr("md.side.offline", "%s: the chain you expect it to serve, %s, checked offline at this machine's clock", name, mdEsc(a.File)))
		}
	}
	if c := r.Clocks; c != nil {
		fmt.Fprintf(b, "- %s\n", tr("md.skew", "Skew: %s (max %s); change window: %s", report.Human(c.Skew.Abs()), report.Human(c.MaxSkew), report.Human(c.Window)))
	}
	whatChangedMarkdown(b, r.WhatChanged)
	b.WriteString("\n")
}

func pairMarkdownBody(b *strings.Builder, r *report.Report) {
	if len(r.Rows) > 0 {
		b.WriteString("\n## " + tr("md.kb-table", "Issued to / issued by (KB 000221202)") + "\n\n| " + tr("kb.source-to", "source issued to") + " | " + tr("kb.source-by", "source issued by") + " | | " + tr("kb.target-to", "target issued to") + " | " + tr("kb.target-by", "target issued by") + " |\n|---|---|---|---|---|\n")
	}
	for _, row := range r.Rows {
		cell := func(c *report.RowCert) string {
			if c == nil {
				return "- | -"
			}
			return mdEsc(c.Subject.Short()) + " | " + mdEsc(c.Issuer.Short())
		}
		mark := "<->" // "<-" followed by "-" opens no tag
		if !row.Match || !row.SameKey {
			mark = "X"
		}
		fmt.Fprintf(b, "| %s | %s | %s |\n", cell(row.Source), mark, cell(row.Target))
	}
	if len(r.Trust) > 0 {
		b.WriteString("\n## " + tr("md.trust", "Trust") + "\n\n")
		for _, t := range r.Trust {
			box := "[x]"
			if !t.OK {
				box = "[ ]"
			}
			fmt.Fprintf(b, "- %s %s\n", box, tr("md.trust.line", "%s accepts %s's chain for %s at %s", sideWord(t.Verifier), sideWord(t.Presenter), t.Usage, t.At.Format(time.RFC3339)))
		}
	}
	for _, sd := range []struct {
		side report.Side
		s    *report.Appliance
	}{{report.SideSource, r.Source}, {report.SideTarget, r.Target}} {
		if sd.s == nil || sd.s.Observed == nil {
			continue
		}
		o := sd.s.Observed
		fmt.Fprintf(b, "\n## %s\n\n", tr("md.observed", "%s as observed (%s)", sideTitle(sd.side), o.Address))
		if !sd.s.Reached() {
			b.WriteString(tr("md.observed.not-reached", "Not reached: nothing was observed (see `live-unreachable`).") + "\n")
			continue
		}
		if o.NotTLS != "" {
			b.WriteString(tr("md.observed.not-tls", "Answered without TLS on this port: nothing else was observed (see `live-tls`).") + "\n")
			continue
		}
		fmt.Fprintf(b, "- TLS: %s, %s\n", orDash(o.TLSVersion), orDash(o.CipherSuite))
		cas := tr("text.obs.no-client-cert-request", "does not request a client certificate")
		if o.RequestsClientCert {
			cas = tr("md.obs.client-cert-from", "requests a client certificate from: %s", orDash(mdEsc(strings.Join(report.ShortNames(o.AcceptableCAs), ", "))))
		}
		fmt.Fprintf(b, "- %s\n- %s\n", tr("md.obs.client-certs", "Client certificates: %s", cas), tr("md.obs.clock", "Clock: %s (%s)", o.Clock.Format(time.RFC3339), clockSource(o.ClockSource)))
		if w := waitText(o.Wait); w != "" {
			fmt.Fprintf(b, "- %s\n", mdEsc(w))
		}
		for _, h := range o.Handshakes {
			box := "[x]"
			if !h.OK {
				box = "[ ]"
			}
			who := tr("text.hs.no-client-cert", "no client certificate")
			if h.ClientCert.DN != "" {
				who = tr("text.hs.client", "client %s", mdEsc(h.ClientCert.Short()))
			}
			fmt.Fprintf(b, "- %s %s: %s %s", box, tr("text.hs.line", "handshake %s (%s)", h.Kind, who), h.Version, mdEsc(strings.Join(report.ShortNames(h.PeerChain), " -> ")))
			if h.HTTPStatus != 0 {
				fmt.Fprintf(b, ", HTTP %d", h.HTTPStatus)
			}
			if h.HTTPNote != "" {
				fmt.Fprintf(b, " (%s)", mdEsc(httpNote(h.HTTPNote)))
			}
			if h.Error != "" {
				fmt.Fprintf(b, ": %s", mdEsc(i18n.Text("arg.", h.Error)))
			}
			b.WriteString("\n")
		}
		for _, f := range o.Failures {
			fmt.Fprintf(b, "- [ ] %s: %s\n", f.Step, mdEsc(f.Error))
		}
	}
	for _, sd := range []struct {
		side report.Side
		s    *report.Appliance
	}{{report.SideSource, r.Source}, {report.SideTarget, r.Target}} {
		if sd.s == nil || len(sd.s.Chain) == 0 && !sd.s.Reached() {
			continue
		}
		from := ""
		if sd.s.Address != "" && sd.s.File != "" {
			from = " " + tr("md.side.from-offline", "(from %s, checked offline: not served)", mdEsc(sd.s.File))
		}
		fmt.Fprintf(b, "\n## %s%s\n\n%s", tr("md.side-certificates", "%s certificates", sideTitle(sd.side)), from, mdCertHeader())
		for _, c := range sd.s.Chain {
			fmt.Fprintf(b, "| %d | %s | %s | %s | %s | %s | %s | %s | %s |\n", c.Index, c.Role, mdEsc(shortName(c.CommonName, c.Subject.DN)), mdEsc(c.Issuer.Short()),
				c.NotBefore.Format(time.RFC3339), c.NotAfter.Format(time.RFC3339), c.Key, ekuMarks(c.ExtKeyUsage, c.IsCA), kuMarks(c.KeyUsage))
		}
	}
}

// trimLines drops the trailing blanks tabwriter leaves.
func trimLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

// firstClause shortens a finding to its first clause for summaries.
func firstClause(s string) string {
	for _, cut := range []string{" at its clock", ": x509:"} {
		if i := strings.Index(s, cut); i > 0 {
			s = s[:i]
		}
	}
	if displayWidth(s) > 160 {
		// Cut at a rune, by display width: a Hangul syllable is three
		// bytes and two columns.
		w := 0
		for i, r := range s {
			if w += displayWidth(string(r)); w > 157 {
				s = s[:i]
				break
			}
		}
		s += "..."
	}
	return s
}

func observedText(b *strings.Builder, name report.Side, o *report.Observation, p painter) {
	fmt.Fprintf(b, "\n%s %s:", sideWord(name), o.Address)
	if o.TLSVersion != "" {
		fmt.Fprintf(b, " %s, %s;", o.TLSVersion, o.CipherSuite)
	}
	switch {
	case o.NotTLS != "":
		b.WriteString(" " + tr("text.obs.not-tls", "answered without TLS (see live-tls)"))
	case len(o.Handshakes) == 0 && len(o.Failures) > 0:
		b.WriteString(" " + tr("text.obs.not-reached", "not reached"))
	case !o.RequestsClientCert:
		b.WriteString(" " + tr("text.obs.no-client-cert-request", "does not request a client certificate"))
	case len(o.AcceptableCAs) == 0:
		b.WriteString(" " + tr("text.obs.client-cert-any", "requests a client certificate (any CA)"))
	default:
		b.WriteString(" " + tr("text.obs.client-cert-from", "requests a client certificate from [%s]", strings.Join(report.ShortNames(o.AcceptableCAs), ", ")))
	}
	b.WriteString("\n  " + tr("text.obs.clock", "clock %s from %s", o.Clock.Format(time.RFC3339), clockSource(o.ClockSource)) + "\n")
	if w := waitText(o.Wait); w != "" {
		fmt.Fprintf(b, "  %s\n", w)
	}
	for _, h := range o.Handshakes {
		mark := p.green("ok  ")
		if !h.OK {
			mark = p.red("FAIL")
		}
		if h.Stage == report.StageFlight {
			mark = "--  " // not completed by this tool; judged from the flight
		} else if !h.OK && h.Kind == report.KindObserve && o.RequestsClientCert {
			// Expected: we observe without a certificate; it insists on one.
			mark, h.Error = "--  ", tr("text.obs.closed-no-client-cert", "closed without a client certificate, as an appliance that requires one does")
		}
		who := tr("text.hs.no-client-cert", "no client certificate")
		if h.ClientCert.DN != "" {
			who = tr("text.hs.client", "client %s", h.ClientCert.Short())
		}
		fmt.Fprintf(b, "  %s %s", mark, tr("text.hs.line", "handshake %s (%s)", h.Kind, who))
		if h.Version != "" {
			fmt.Fprintf(b, ": %s, %s", h.Version, strings.Join(report.ShortNames(h.PeerChain), " -> "))
		}
		if h.VerifiedAt != "" {
			b.WriteString(tr("text.hs.verified", ", verified with the peer's root at %s", h.VerifiedAt))
		}
		if h.HTTPStatus != 0 {
			fmt.Fprintf(b, ", HTTP %d", h.HTTPStatus)
		}
		if h.HTTPNote != "" {
			fmt.Fprintf(b, " (%s)", httpNote(h.HTTPNote))
		}
		if h.Error != "" {
			fmt.Fprintf(b, ": %s", i18n.Text("arg.", h.Error))
		}
		b.WriteString("\n")
	}
	if a := o.API; a != nil && a.Version != "" {
		ntp := "?"
		if a.NTP != nil {
			ntp = map[bool]string{true: tr("word.on", "on"), false: tr("word.off", "off")}[*a.NTP]
		}
		fmt.Fprintf(b, "  %s\n", tr("text.api", "API: OME %s, NTP %s, FIPS %s", a.Version, ntp, fipsText(a)))
	}
}

// changeLabels word the items of a baseline comparison (English; the
// catalogue's change.ITEM in the run's language).
var changeLabels = map[report.ChangeItem]string{report.ChangeLeaf: "leaf", report.ChangeCA: "CA", report.ChangeChain: "chain served",
	report.ChangeClock: "clock", report.ChangeVersion: "OME version", report.ChangeSkew: "clock skew", report.ChangeVerdict: "verdict"}

// changeLabel is an item's label in the run's language.
func changeLabel(item report.ChangeItem) string {
	return i18n.T("change."+string(item), changeLabels[item])
}

// changeValue is a baseline item's value in the run's language (value.*:
// "OMENT-400 (SHA-256 ..., serial ..., valid until ...)", "not reached").
func changeValue(s string) string { return i18n.Text("value.", s) }

// changesFrom says which report the baseline is: "before.json (probe)".
func changesFrom(c *report.Changes) string {
	from := c.Command
	if c.Pair != "" {
		from += ", " + tr("change.pair", "pair %s", c.Pair)
	}
	return fmt.Sprintf("%s (%s)", c.Baseline, from)
}

// whatChangedText is probe --baseline's section: each item before ->
// after, the ones that changed marked.
func whatChangedText(b *strings.Builder, c *report.Changes, p painter) {
	if c == nil {
		return
	}
	fmt.Fprintf(b, "\n%s\n", tr("text.changed-since", "what changed since %s: %s", changesFrom(c), countOf("change", c.Changed())))
	tw := newTable(b)
	for _, x := range c.Items {
		mark := tr("change.same", "same")
		if x.Changed {
			mark = tr("change.CHANGED", "CHANGED")
		}
		value := changeValue(x.Before) + " -> " + changeValue(x.After)
		if x.Before == x.After && !x.Changed {
			value = changeValue(x.After)
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", sideWord(x.Side), changeLabel(x.Item), mark, value)
	}
	tw.Flush()
}

// whatChangedMarkdown is the same section as a table.
func whatChangedMarkdown(b *strings.Builder, c *report.Changes) {
	if c == nil {
		return
	}
	fmt.Fprintf(b, "\n## %s\n\n%s.\n\n| %s | %s | %s | %s | %s |\n|---|---|---|---|---|\n", tr("md.changed-since", "What changed since %s", mdEsc(changesFrom(c))), countOf("change", c.Changed()),
		tr("change.col.appliance", "appliance"), tr("change.col.item", "item"), tr("change.col.before", "before"), tr("change.col.after", "after"), tr("change.col.changed", "changed"))
	for _, x := range c.Items {
		mark := tr("change.same", "same")
		if x.Changed {
			mark = "**" + tr("change.changed", "changed") + "**"
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s |\n", sideWord(x.Side), changeLabel(x.Item), mdEsc(changeValue(x.Before)), mdEsc(changeValue(x.After)), mark)
	}
}

// waitText says how probe --wait waited for an appliance that answered
// ("" without --wait).
func waitText(w *report.Wait) string {
	if w == nil || !w.Answered {
		return ""
	}
	if w.Attempts == 1 {
		return tr("wait.once", "--wait %s: answered at once", w.For.Duration().String())
	}
	return tr("wait.after", "--wait %s: answered after %s, %s (last refusal: %s)", w.For.Duration().String(), countOf("attempt", w.Attempts),
		w.Waited.Duration().Round(time.Second).String(), w.LastError)
}

// fipsText is the FIPS mode as the API gave it; a standalone OME has no
// SecurityConfiguration (it answers 404, CGEN1006: documented for
// OME-Modular only), so the mode does not apply there.
func fipsText(a *report.API) string {
	switch {
	case a.FIPSMode != "":
		return a.FIPSMode
	case slices.Contains(a.Unavailable, report.PathSecurity):
		return tr("fips.modular-only", "n/a (OME-Modular only)")
	}
	return tr("fips.not-read", "not read")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// RenderExplain writes explain's report: JSON, Markdown or text, one entry
// per OME error in file order of first occurrence, with its rule, cause and
// fix; a repeated error says how often and where last; then what the
// report leaves out and the notes on what was not read in full. Text and
// Markdown are in the run's language (explainText); OME's MessageIds,
// MessageArgs and quoted messages stay as OME wrote them.
func RenderExplain(w io.Writer, rep *report.ExplainReport, format string) error {
	if format == "json" {
		return RenderJSON(w, rep)
	}
	rep = Safe(rep) // MessageIds and arguments come from the log: escaped
	b := &strings.Builder{}
	md := format == "markdown"
	esc := func(s string) string { return s }
	if md {
		esc = mdEsc
		fmt.Fprintf(b, "# %s\n\n", tr("explain.md.title", "OME errors in %s", esc(rep.File)))
	}
	if len(rep.Entries) == 0 {
		b.WriteString(tr("explain.none", "%s: no OME error message found", rep.File) + "\n")
	}
	labels := explainLabels()
	for _, x := range rep.Entries {
		id := x.OMEMessageID
		if id == "" {
			id = "(" + tr("explain.wizard", "migration wizard") + ")"
		}
		args := ""
		if len(x.OMEMessageArgs) > 0 {
			args = fmt.Sprintf(" %q", x.OMEMessageArgs)
		}
		if len(x.RelatedProperties) > 0 {
			args += " (" + tr("explain.related", "related %s", strings.Join(x.RelatedProperties, ", ")) + ")"
		}
		if x.Count > 1 {
			// Counts as strings: the catalogue's %d would group digits.
			if x.LastTime != "" {
				args += " (" + tr("explain.seen-at", "seen %s times, last line %s at %s", strconv.Itoa(x.Count), strconv.Itoa(x.LastLine), x.LastTime) + ")"
			} else {
				args += " (" + tr("explain.seen", "seen %s times, last line %s", strconv.Itoa(x.Count), strconv.Itoa(x.LastLine)) + ")"
			}
		}
		rule := x.Rule
		if !x.Known {
			rule = tr("explain.unknown", "unknown")
		} else if rule == "" {
			rule = "-"
		}
		cause, fix := explainText(x.Rule, x.Cause), explainText(x.Rule, x.Fix)
		line := tr("explain.line", "line %s", strconv.Itoa(x.Line))
		if md {
			fmt.Fprintf(b, "- **%s** %s %s%s: %s\n  - %s: %s\n  - %s: %s\n", line, esc(x.Time), esc(id), esc(args), tr("explain.md.rule", "rule %s", esc(rule)),
				tr("explain.md.cause", "Cause"), esc(cause), tr("word.Fix", "Fix"), esc(fix))
			continue
		}
		fmt.Fprintf(b, "%s %s %s%s\n  %s%s\n  %s%s\n  %s%s\n", line, x.Time, id, args, labels[0], rule, labels[1], cause, labels[2], fix)
	}
	if rep.OmittedOccurrences > 0 {
		n := strconv.Itoa(rep.OmittedOccurrences)
		var line string
		switch {
		case rep.OmittedEntries >= report.MaxExplainOmittedDistinct:
			line = tr("explain.omitted.at-least", "not listed: %s more error messages, of at least %s more distinct errors", n, strconv.Itoa(rep.OmittedEntries))
		case rep.OmittedEntries == 1:
			line = tr("explain.omitted.one", "not listed: %s more error messages, of 1 more distinct error", n)
		case rep.OmittedEntries > 0:
			line = tr("explain.omitted.distinct", "not listed: %s more error messages, of %s more distinct errors", n, strconv.Itoa(rep.OmittedEntries))
		default:
			line = tr("explain.omitted", "not listed: %s more error messages", n)
		}
		line += " " + tr("explain.omitted.why", "(the report lists the first %s distinct errors and the first %s messages of a log entry)",
			strconv.Itoa(report.MaxExplainEntries), strconv.Itoa(report.MaxExplainMessagesPerEntry))
		if md {
			fmt.Fprintf(b, "- %s\n", esc(line))
		} else {
			fmt.Fprintf(b, "%s\n", line)
		}
	}
	note := tr("explain.note", "note")
	for _, n := range rep.Notes {
		n = explainText("", n)
		if md {
			fmt.Fprintf(b, "- %s: %s\n", note, esc(n))
			continue
		}
		fmt.Fprintf(b, "%s: %s\n", note, n)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// explainLabels are the text entry's "rule:", "cause:" and "fix:", padded
// to one display width ("rule:  ", "cause: ", "fix:   " in English).
func explainLabels() []string {
	return padLabels(tr("explain.label.rule", "rule"), tr("explain.label.cause", "cause"), tr("explain.label.fix", "fix"))
}

// explainText is an explain entry's cause, fix or note in the run's
// language: a rule's own cause, description or fix (rule.ID.*), which an
// explain.* hint may follow, else an explain.* entry (whose arguments may
// be arg.* phrases); else as given (JSON keeps the English).
func explainText(rule, s string) string {
	if rule != "" {
		for _, part := range []string{"cause", "description", "fix"} {
			id := "rule." + rule + "." + part
			en, ok := i18n.English(id)
			if !ok || en == "" || !strings.HasPrefix(s, en) {
				continue
			}
			if rest := strings.TrimPrefix(s, en); rest == "" {
				return i18n.T(id, en)
			} else if strings.HasPrefix(rest, " ") {
				return i18n.T(id, en) + " " + explainHint(strings.TrimPrefix(rest, " "))
			}
		}
	}
	return explainHint(s)
}

func explainHint(s string) string { return i18n.Text("explain.", s) }

// RenderChecklistSummary writes the checklist's text summary: a line per
// pair (verdict, kind, counts, the cause to fix first) and the totals.
func RenderChecklistSummary(w io.Writer, cl *report.Checklist) error {
	var b strings.Builder
	for _, l := range runLines(Safe(cl.Run), 0) {
		b.WriteString(l + "\n")
	}
	if cl.Run != nil {
		b.WriteString("\n")
	}
	// Columns sized to the longest pair name.
	tw := newTable(&b)
	count := map[report.Verdict]int{}
	for _, p := range cl.Pairs {
		errs, warns := 0, 0
		if p.Report != nil {
			errs, warns = p.Report.Count(report.SevError), p.Report.Count(report.SevWarning)
		}
		count[p.Verdict]++
		cause := "-"
		if p.Report != nil && p.Report.FixFirst != nil {
			cause = tr("checklist.summary.fix-first", "fix first: %s", p.Report.FixFirst.Rule)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s, %s\t%s", verdictWord(p.Verdict), TermSafe(p.Name), p.Kind, countOf("error", errs), countOf("warning", warns), cause)
		if p.Error != "" {
			fmt.Fprintf(tw, ": %s", TermSafe(p.Error))
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
	fmt.Fprintf(&b, "\n%s\n", tr("checklist.summary.total", "%s: %s (%d pass, %d fail, %d incomplete); details in checklist.md and checklist.html", verdictWord(cl.Verdict),
		countOf("pair", len(cl.Pairs)), count[report.VerdictPass], count[report.VerdictFail], count[report.VerdictIncomplete]))
	_, err := w.Write([]byte(b.String()))
	return err
}

// verdictWord is PASS, FAIL or INCOMPLETE in the run's language.
func verdictWord(v report.Verdict) string {
	u := strings.ToUpper(string(v))
	return i18n.T("verdict."+u, u)
}

// mdCertHeader is the Markdown certificate table's header.
func mdCertHeader() string {
	return "| # | " + tr("table.role", "role") + " | " + tr("table.issued-to", "issued to") + " | " + tr("table.issued-by", "issued by") + " | " +
		tr("table.valid-from", "valid from") + " | " + tr("table.valid-until", "valid until") + " | " + tr("table.key", "key") + " | EKU | KU |\n|---|---|---|---|---|---|---|---|---|\n"
}
