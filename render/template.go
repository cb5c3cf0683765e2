package render

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ome-preflight/ome-preflight/report"
)

// templateText is the head of a `template` report: the template, and what a
// leaf issued from it would carry.
func templateText(b *strings.Builder, r *report.Report, p painter) {
	t := r.Template
	fmt.Fprintf(b, "%s %s\n", p.bold("template"), tr("template.head", "%s (%s), mode %s, issued at %s", r.Input.File, r.Input.Encoding, r.Mode, r.EvaluatedAt.Format(time.RFC3339)))
	if len(r.Input.Notes) > 0 {
		fmt.Fprintf(b, "  %s: %s\n", tr("csr.label.file", "file"), strings.Join(r.Input.Notes, "; "))
	}
	if t == nil {
		return
	}
	lines := templateLines(t)
	w := 21 // the English labels' column: "issued key usage:" and room
	for _, l := range lines {
		w = max(w, displayWidth(l[0]))
	}
	for _, l := range lines {
		fmt.Fprintf(b, "  %s:%s %s\n", l[0], strings.Repeat(" ", w-displayWidth(l[0])), l[1])
	}
	fmt.Fprintf(b, "\n%s\n", tr("template.issue-with", "issue with: %s", t.Certreq))
}

// templateLines are the template's facts, label and value, for text and
// Markdown alike.
func templateLines(t *report.TemplateInfo) [][2]string {
	name := t.Name
	if t.DisplayName != "" && t.DisplayName != t.Name {
		name += " (\"" + t.DisplayName + "\")"
	}
	subject := tr("template.subject.ad", "from Active Directory (not from the request)")
	if t.SubjectFromRequest {
		subject = tr("template.subject.request", "supplied in the request")
	}
	key := tr("template.key.no-minimum", "no minimum")
	if t.MinimalKeySize > 0 {
		key = tr("template.key.at-least", "at least %s bits", strconv.Itoa(t.MinimalKeySize))
	}
	validity := orDash(t.ValidityPeriod)
	if t.IssuedUntil != nil {
		validity += tr("template.validity.until", ", until %s at the latest", t.IssuedUntil.Format(time.RFC3339))
	}
	if t.WindowEnd != nil {
		validity += tr("template.validity.window-ends", "; window ends %s", t.WindowEnd.Format(time.RFC3339))
	}
	return [][2]string{
		{tr("template.label.template", "template"), tr("template.schema", "%s, schema %s", name, strconv.Itoa(t.SchemaVersion))},
		{tr("template.label.eku", "issued EKU"), orDash(strings.Join(t.ExtKeyUsage, ", ")) + " " + tr("template.eku-from", "(from %s)", t.EKUSource)},
		{tr("template.label.ku", "issued key usage"), orDash(strings.Join(t.KeyUsage, ", "))},
		{tr("template.label.subject", "subject"), subject},
		{tr("template.label.key-size", "key size"), key},
		{tr("template.label.validity", "validity"), validity},
	}
}

// templateMarkdown is the Markdown head of a `template` report.
func templateMarkdown(b *strings.Builder, r *report.Report) {
	fmt.Fprintf(b, "# %s\n\n", tr("template.md.title", "AD CS template check: %s", mdEsc(r.Input.File)))
	fmt.Fprintf(b, "%s\n\n", tr("template.md.verdict", "Verdict: **%s**, mode %s, issued at %s.", verdictWord(r.Verdict), r.Mode, r.EvaluatedAt.Format(time.RFC3339)))
	mdFixFirst(b, r)
}

// templateMarkdownBody is the template's facts in the folded details.
func templateMarkdownBody(b *strings.Builder, r *report.Report) {
	t := r.Template
	if t == nil {
		return
	}
	b.WriteString("\n## " + tr("template.md.head", "Template") + "\n\n| | |\n|---|---|\n")
	for _, l := range templateLines(t) {
		fmt.Fprintf(b, "| %s | %s |\n", l[0], mdEsc(l[1]))
	}
	fmt.Fprintf(b, "\n%s\n", tr("template.md.issue-with", "Issue with: `%s`", strings.ReplaceAll(t.Certreq, "`", "'")))
}
