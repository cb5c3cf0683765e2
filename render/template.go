package render

import (
	"fmt"
	"strings"
	"time"

	"github.com/ome-preflight/ome-preflight/report"
)

// templateText is the head of a `template` report: the template, and what a
// leaf issued from it would carry.
func templateText(b *strings.Builder, r *report.Report, p painter) {
	t := r.Template
	fmt.Fprintf(b, "%s %s (%s), mode %s, issued at %s\n", p.bold("template"), r.Input.File, r.Input.Encoding, r.Mode, r.EvaluatedAt.Format(time.RFC3339))
	if len(r.Input.Notes) > 0 {
		fmt.Fprintf(b, "  file: %s\n", strings.Join(r.Input.Notes, "; "))
	}
	if t == nil {
		return
	}
	for _, l := range templateLines(t) {
		fmt.Fprintf(b, "  %-22s %s\n", l[0]+":", l[1])
	}
	fmt.Fprintf(b, "\nissue with: %s\n", t.Certreq)
}

// templateLines are the template's facts, label and value, for text and
// Markdown alike.
func templateLines(t *report.TemplateInfo) [][2]string {
	name := t.Name
	if t.DisplayName != "" && t.DisplayName != t.Name {
		name += " (\"" + t.DisplayName + "\")"
	}
	subject := "from Active Directory (not from the request)"
	if t.SubjectFromRequest {
		subject = "supplied in the request"
	}
	key := "no minimum"
	if t.MinimalKeySize > 0 {
		key = fmt.Sprintf("at least %d bits", t.MinimalKeySize)
	}
	validity := orDash(t.ValidityPeriod)
	if t.IssuedUntil != nil {
		validity += ", until " + t.IssuedUntil.Format(time.RFC3339) + " at the latest"
	}
	if t.WindowEnd != nil {
		validity += "; window ends " + t.WindowEnd.Format(time.RFC3339)
	}
	return [][2]string{
		{"template", fmt.Sprintf("%s, schema %d", name, t.SchemaVersion)},
		{"issued EKU", orDash(strings.Join(t.ExtKeyUsage, ", ")) + " (from " + t.EKUSource + ")"},
		{"issued key usage", orDash(strings.Join(t.KeyUsage, ", "))},
		{"subject", subject},
		{"key size", key},
		{"validity", validity},
	}
}

// templateMarkdown is the Markdown head of a `template` report.
func templateMarkdown(b *strings.Builder, r *report.Report) {
	fmt.Fprintf(b, "# AD CS template check: %s\n\n", mdEsc(r.Input.File))
	fmt.Fprintf(b, "Verdict: **%s**, mode %s, issued at %s.\n\n", strings.ToUpper(string(r.Verdict)), r.Mode, r.EvaluatedAt.Format(time.RFC3339))
	mdFixFirst(b, r)
}

// templateMarkdownBody is the template's facts in the folded details.
func templateMarkdownBody(b *strings.Builder, r *report.Report) {
	t := r.Template
	if t == nil {
		return
	}
	b.WriteString("\n## Template\n\n| | |\n|---|---|\n")
	for _, l := range templateLines(t) {
		fmt.Fprintf(b, "| %s | %s |\n", l[0], mdEsc(l[1]))
	}
	fmt.Fprintf(b, "\nIssue with: `%s`\n", strings.ReplaceAll(t.Certreq, "`", "'"))
}
