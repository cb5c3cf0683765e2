package render

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ome-preflight/ome-preflight/report"
)

// SummaryMaxLines bounds the ticket summary of one pair (or one file).
const SummaryMaxLines = 15

// RenderSummary writes the ticket summary of one report: at most
// SummaryMaxLines lines of plain text (no colour, no table), to paste into
// a change ticket (ServiceNow, Remedy): verdict, fix first, clocks and
// skew, OME versions, the leaf's SHA-256 per side, the tool's version and
// the SHA-256 of each input.
func RenderSummary(w io.Writer, r *report.Report) error {
	lines := summaryLines(Safe(r), "", true)
	_, err := io.WriteString(w, strings.Join(lines, "\n")+"\n")
	return err
}

// RenderChecklistTicket writes a checklist's ticket summary: the run
// once, then each pair's summary (at most SummaryMaxLines lines each).
func RenderChecklistTicket(w io.Writer, cl *report.Checklist) error {
	var b strings.Builder
	n := map[report.Verdict]int{}
	for _, p := range cl.Pairs {
		n[p.Verdict]++
	}
	fmt.Fprintf(&b, "%s\n", tr("summary.checklist", "OME migration checklist %s: %s (%s: %d pass, %d fail, %d incomplete)", oneLine(cl.Inventory), verdictWord(cl.Verdict),
		countOf("pair", len(cl.Pairs)), n[report.VerdictPass], n[report.VerdictFail], n[report.VerdictIncomplete]))
	for _, l := range runLines(cl.Run, 0) {
		b.WriteString(l + "\n")
	}
	for _, p := range cl.Pairs {
		p = Safe(p)
		b.WriteString("\n")
		var lines []string
		if p.Report == nil {
			lines = []string{tr("summary.pair-not-checked", "Pair %s: %s, could not be checked: %s", oneLine(p.Name), verdictWord(p.Verdict), oneLine(p.Error))}
		} else {
			lines = summaryLines(p.Report, p.Name, false)
		}
		b.WriteString(strings.Join(lines, "\n") + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// summaryLines is one report's summary; pair names it in a checklist,
// tool adds the tool's line (a checklist says it once, above the pairs).
func summaryLines(r *report.Report, pair string, tool bool) []string {
	var l []string
	subject := r.Command
	switch {
	case pair != "":
		subject = tr("checklist.pair", "Pair %s", oneLine(pair)) + " (" + r.Command + ")"
	case (r.Command == "check" || r.Command == "template") && r.Input != nil:
		subject = r.Command + " " + oneLine(r.Input.File)
	case r.Source != nil && r.Target != nil:
		subject = fmt.Sprintf("%s %s -> %s", r.Command, oneLine(r.Source.Where()), oneLine(r.Target.Where()))
	}
	e, wn, nc := r.Count(report.SevError), r.Count(report.SevWarning), r.NotCheckedCount()
	l = append(l, tr("summary.head", "%s: %s (%s, %s, %d not checked)", subject, verdictWord(r.Verdict), countOf("error", e), countOf("warning", wn), nc))
	if f := r.FixFirst; f != nil {
		side := ""
		if f.Side != "" {
			side = sideWord(f.Side) + ": "
		}
		l = append(l, clip(tr("summary.fix-first", "Fix first: [%s] %s%s", f.Rule, side, oneLine(msg(*f))), 400))
		if f.Fix != "" {
			l = append(l, "  "+tr("word.fix", "fix")+": "+oneLine(fix(*f))) // whole: a fix is often a command to paste
		}
	}
	if rules := ruleList(r, report.SevError); rules != "" {
		l = append(l, tr("summary.errors", "Errors: %s", rules))
	}
	if len(r.Incomplete) > 0 {
		l = append(l, clip(tr("summary.not-run", "Not run (%d): %s", len(r.Incomplete), oneLine(stepText(r.Incomplete[0]))), 300))
	}
	if r.Command == "check" {
		if r.EvaluatedAt != nil {
			l = append(l, tr("summary.judged-at", "Judged at: %s", r.EvaluatedAt.Format(time.RFC3339)))
		}
		l = append(l, tr("summary.leaf-sha", "Leaf SHA-256: %s", leafSHA(r.Chain)))
	} else if r.Command == "template" {
		if t := r.Template; t != nil {
			l = append(l, clip(tr("summary.template", "Template: %s, schema %d; issued EKU %s", oneLine(t.Name), t.SchemaVersion, oneLine(strings.Join(t.ExtKeyUsage, ", "))), 300))
			l = append(l, tr("summary.issue-with", "Issue with: %s", oneLine(t.Certreq)))
		}
	} else {
		if r.Source != nil && r.Target != nil {
			clock := func(a *report.Appliance) string {
				if !a.Reached() {
					return tr("summary.not-reached", "not reached") // its clock was never read: no time is stated
				}
				return fmt.Sprintf("%s (%s)", a.Clock.Format(time.RFC3339), clockSource(a.ClockSource))
			}
			clocks := tr("summary.clocks", "Clocks: source %s, target %s", clock(r.Source), clock(r.Target))
			if c := r.Clocks; c != nil {
				clocks += tr("summary.skew", "; skew %s (max %s); window %s", report.Human(c.Skew.Abs()), report.Human(c.MaxSkew), report.Human(c.Window))
			}
			l = append(l, clocks)
		}
		for _, sd := range []struct {
			name report.Side
			a    *report.Appliance
		}{{report.SideSource, r.Source}, {report.SideTarget, r.Target}} {
			switch {
			case sd.a == nil:
			case !sd.a.Reached():
				l = append(l, clip(tr("summary.not-reached.side", "Not reached: %s %s: %s", sideWord(sd.name), oneLine(sd.a.Where()), oneLine(sd.a.NotReached)), 300))
			case r.Source == nil || r.Target == nil:
				l = append(l, tr("summary.clock", "Clock: %s %s (%s)", sideWord(sd.name), sd.a.Clock.Format(time.RFC3339), clockSource(sd.a.ClockSource)))
			}
		}
		if w := r.WhatChanged; w != nil {
			var items []string
			for _, c := range w.Items {
				if c.Changed {
					items = append(items, fmt.Sprintf("%s %s: %s -> %s", sideWord(c.Side), c.Item, oneLine(c.Before), oneLine(c.After)))
				}
			}
			if len(items) == 0 {
				items = []string{tr("summary.nothing", "nothing")}
			}
			l = append(l, clip(tr("summary.changed-since", "Changed since %s: %s", oneLine(w.Baseline), strings.Join(items, "; ")), 400))
		}
		var versions []string
		for _, sd := range []struct {
			name report.Side
			a    *report.Appliance
		}{{report.SideSource, r.Source}, {report.SideTarget, r.Target}} {
			if sd.a != nil {
				versions = append(versions, sideWord(sd.name)+" "+omeVersion(sd.a))
			}
		}
		if len(versions) > 0 {
			l = append(l, tr("summary.ome-versions", "OME versions: %s", strings.Join(versions, ", ")))
		}
		for _, sd := range []struct {
			name report.Side
			a    *report.Appliance
		}{{report.SideSource, r.Source}, {report.SideTarget, r.Target}} {
			if sd.a != nil {
				l = append(l, tr("summary.leaf-sha.side", "Leaf SHA-256 %s: %s", sideWord(sd.name), leafSHA(sd.a.Chain)))
			}
		}
	}
	room := SummaryMaxLines - len(l)
	if tool {
		runL := runLines(r.Run, room)
		l = append(l, runL...)
	} else if r.Run != nil {
		l = append(l, inputLines(r.Run.Inputs, room)...)
	}
	if len(l) > SummaryMaxLines {
		l = l[:SummaryMaxLines]
	}
	return l
}

// runLines are the tool's line and an input's line each, within room
// lines (0: no bound); inputs beyond it are counted, not listed.
func runLines(run *report.Run, room int) []string {
	if run == nil {
		return nil
	}
	l := []string{tr("summary.tool", "Tool: %s %s, ran %s", run.Tool, oneLine(run.Version), run.At.Format(time.RFC3339))}
	if room > 0 {
		room--
	}
	return append(l, inputLines(run.Inputs, room)...)
}

func inputLines(in []report.InputHash, room int) []string {
	var l []string
	for i, h := range in {
		if room > 0 && len(l) == room-1 && i < len(in)-1 {
			l = append(l, tr("summary.inputs-more", "Inputs: %d more (their SHA-256 in --format json)", len(in)-i))
			break
		}
		l = append(l, inputLine(h))
	}
	if room > 0 && len(l) > room {
		l = l[:room]
	}
	return l
}

// inputLine is "Input source chain source.pem: SHA-256 ab12... (3456 bytes)".
func inputLine(h report.InputHash) string {
	if h.SHA256 == "" {
		return tr("summary.input.error", "Input %s %s: %s", h.Role, oneLine(h.File), oneLine(h.Error))
	}
	// Bytes as a string: the catalogue's %d would group digits ("3,528").
	return tr("summary.input", "Input %s %s: SHA-256 %s (%s bytes)", h.Role, oneLine(h.File), h.SHA256, strconv.FormatInt(h.Bytes, 10))
}

// omeVersion is the version an appliance's API gave, or why there is none.
func omeVersion(a *report.Appliance) string {
	switch {
	case a.Observed == nil:
		return tr("summary.version.file", "not read (a chain file, no appliance)")
	case a.Observed.API != nil && a.Observed.API.Version != "":
		return oneLine(a.Observed.API.Version)
	case len(a.Observed.Handshakes) == 0:
		return tr("summary.version.unreached", "not read (not reached)")
	}
	return tr("summary.version.no-user", "not read (give --user to read the API)")
}

// leafSHA is the SHA-256 of a chain's leaf (the certificate at the path's
// start, else the one whose role is leaf, else the first), or why none.
func leafSHA(chain []report.Cert) string {
	if len(chain) == 0 {
		return tr("summary.leaf.none", "none (no certificate read)")
	}
	c, note := chain[0], ""
	found := false
	for _, x := range chain {
		if x.PathPosition != nil && *x.PathPosition == 0 {
			c, found = x, true
			break
		}
	}
	if !found {
		note = tr("summary.leaf.first", ", the file's first certificate")
		for _, x := range chain {
			if x.Role == "leaf" {
				c, note = x, ""
				break
			}
		}
	}
	return fmt.Sprintf("%s (%s%s)", c.SHA256, oneLine(shortName(c.CommonName, c.Subject.DN)), note)
}

// ruleList names the rules with findings of severity s, each once, with
// its sides: "pair-trust (source, target), leaf-eku (target)".
func ruleList(r *report.Report, s report.Severity) string {
	var order []string
	sides := map[string][]string{}
	for _, f := range r.Findings {
		if f.Severity != s {
			continue
		}
		if _, ok := sides[f.Rule]; !ok {
			order = append(order, f.Rule)
			sides[f.Rule] = []string{}
		}
		if f.Side != "" && f.Side != report.SidePair && !slices.Contains(sides[f.Rule], sideWord(f.Side)) {
			sides[f.Rule] = append(sides[f.Rule], sideWord(f.Side))
		}
	}
	var out []string
	for _, id := range order {
		if len(sides[id]) > 0 {
			id += " (" + strings.Join(sides[id], ", ") + ")"
		}
		out = append(out, id)
	}
	return clip(strings.Join(out, ", "), 300)
}

// oneLine keeps a value on its line: a ticket field takes no line breaks.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// clip bounds a line's length in runes.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-3]) + "..."
}
