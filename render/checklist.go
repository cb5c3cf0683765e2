package render

import (
	"bufio"
	"fmt"
	"html/template"
	"io"
	"os"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/ome-preflight/ome-preflight/i18n"
	"github.com/ome-preflight/ome-preflight/report"
)

// RenderChecklistMarkdown writes one Markdown document: a summary, then per
// pair its checklist, KB table, findings with fixes, clocks, CA lists and
// handshake transcripts.
func RenderChecklistMarkdown(w io.Writer, c *report.Checklist) error {
	// Written as it goes, one pair at a time (RenderMarkdown escapes each
	// report's values); the checklist's own values are escaped here.
	b := bufio.NewWriterSize(w, 64<<10)
	checklistHeadMarkdown(b, c)
	for _, p := range c.Pairs {
		if err := checklistPairMarkdown(b, p); err != nil {
			return err
		}
	}
	return b.Flush()
}

// checklistHeadMarkdown is the title and the summary table.
func checklistHeadMarkdown(b *bufio.Writer, c *report.Checklist) {
	fmt.Fprintf(b, "# %s\n\n%s\n\n", tr("checklist.title", "OME migration change-window checklist"),
		tr("checklist.inventory", "Inventory %s, generated %s. Overall: **%s**.", mdEsc(c.Inventory), c.Generated.Format(time.RFC3339), verdictWord(c.Verdict)))
	fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s |\n|---|---|---|---|---|---|\n", tr("checklist.col.pair", "pair"), tr("checklist.col.checked-by", "checked by"),
		tr("checklist.col.verdict", "verdict"), tr("checklist.col.errors", "errors"), tr("checklist.col.warnings", "warnings"), tr("checklist.col.fix-first", "fix first"))
	for _, p := range c.Pairs {
		e, wn := 0, 0
		if p.Report != nil {
			e, wn = p.Report.Count(report.SevError), p.Report.Count(report.SevWarning)
		}
		cause := "-"
		if p.Report != nil && p.Report.FixFirst != nil {
			cause = "`" + p.Report.FixFirst.Rule + "`"
		}
		fmt.Fprintf(b, "| %s | %s | %s | %d | %d | %s |\n", mdEsc(p.Name), p.Kind, verdictWord(p.Verdict), e, wn, cause)
	}
	b.WriteString("\n")
	var rb strings.Builder
	runMarkdown(&rb, c.Run)
	b.WriteString(strings.TrimSuffix(rb.String(), "\n"))
	manualMarkdown(b, c.Manual)
}

// manualMarkdown lists the prerequisites the admin confirms by hand: open
// boxes marked "to confirm", never ticked by the tool.
func manualMarkdown(b *bufio.Writer, items []report.ManualItem) {
	if len(items) == 0 {
		return
	}
	fmt.Fprintf(b, "\n## %s\n\n%s\n\n", tr("checklist.manual.head", "To confirm by hand (every pair)"),
		tr("checklist.manual.intro", "ome-preflight cannot observe these: each is yours to confirm and tick; none counts as passed."))
	for _, m := range items {
		fmt.Fprintf(b, "- [ ] (%s) %s `%s`: %s. %s\n", tr("checklist.manual.to-confirm", "to confirm"), mdEsc(manualText(m)), m.ID, mdEsc(manualWhy(m)),
			tr("checklist.manual.source", "Source: %s", mdEsc(m.Reference)))
	}
}

// checklistPairMarkdown is one pair's section.
func checklistPairMarkdown(b *bufio.Writer, p report.ChecklistPair) error {
	fmt.Fprintf(b, "\n---\n\n# %s\n\n", tr("checklist.pair", "Pair %s", mdEsc(p.Name)))
	beforeIssuingMarkdown(b, p.BeforeIssuing)
	if p.Error != "" {
		fmt.Fprintf(b, "%s\n", tr("checklist.not-checked", "Could not be checked: %s", mdEsc(p.Error)))
	}
	if p.Report == nil {
		return nil
	}
	for _, s := range p.Report.Incomplete {
		fmt.Fprintf(b, "- %s\n", tr("checklist.not-run", "Not run: %s", mdEsc(stepText(s))))
	}
	var sb strings.Builder
	if err := RenderMarkdown(&sb, p.Report); err != nil {
		return err
	}
	// Demote the pair report's headings under the pair's.
	for _, line := range strings.SplitAfter(sb.String(), "\n") {
		if strings.HasPrefix(line, "#") {
			b.WriteString("#")
		}
		b.WriteString(line)
	}
	return nil
}

// beforeIssuingMarkdown is a pair's first section: the CA template and the
// appliances' CSRs, judged before any certificate exists; a box per input,
// the findings under it.
func beforeIssuingMarkdown(b *bufio.Writer, items []report.BeforeIssuing) {
	if len(items) == 0 {
		return
	}
	fmt.Fprintf(b, "## %s\n\n%s\n\n", tr("checklist.before.head", "Before issuing"),
		tr("checklist.before.intro", "The CA template and the appliances' CSRs, judged before the certificates exist (ome-preflight template, ome-preflight csr)."))
	for _, it := range items {
		it = Safe(it)
		switch {
		case it.Report == nil || it.Status == report.NA:
			fmt.Fprintf(b, "- (%s) %s %s: %s\n", tr("text.not-checked", "not checked"), biWhat(it), mdEsc(it.File), mdEsc(it.Reason))
			continue
		case it.Status >= report.Warn:
			fmt.Fprintf(b, "- [ ] %s %s\n", biWhat(it), mdEsc(it.File))
		default:
			fmt.Fprintf(b, "- [x] %s %s\n", biWhat(it), mdEsc(it.File))
		}
		for _, f := range it.Report.Findings {
			fmt.Fprintf(b, "  - **%s** `%s` %s", f.Severity, f.Rule, mdEsc(msg(f)))
			if f.OMEMessageID != "" {
				fmt.Fprintf(b, " (OME %s%s)", f.OMEMessageID, mdEsc(argsText(f.OMEMessageArgs)))
			}
			b.WriteString("\n")
			if f.Severity != report.SevInfo && f.Fix != "" {
				fmt.Fprintf(b, "    - %s: %s\n", tr("word.Fix", "Fix"), mdEsc(fix(f)))
			}
		}
		if it.Report.CSR != nil && len(it.Report.CSR.Names) > 0 {
			fmt.Fprintf(b, "  - %s\n", tr("checklist.before.cover", "The certificate will have to cover: %s", mdEsc(strings.Join(it.Report.CSR.Names, ", "))))
		}
	}
	b.WriteString("\n")
}

// ChecklistStream renders a checklist's two documents while its pairs are
// still being checked: each pair's sections are rendered (into spool files
// beside the documents) as soon as it and every pair before it are done,
// by a goroutine of its own; Finish then writes each document as its head
// and summary, which need every verdict, followed by the spooled sections.
type ChecklistStream struct {
	md, html   *os.File
	mdw, htmlw *bufio.Writer
	in         chan indexedPair
	done       chan error
}

type indexedPair struct {
	i int
	p report.ChecklistPair
}

// NewChecklistStream spools in dir (the documents' folder).
func NewChecklistStream(dir string) (*ChecklistStream, error) {
	md, err := os.CreateTemp(dir, ".checklist.md.spool*")
	if err != nil {
		return nil, err
	}
	html, err := os.CreateTemp(dir, ".checklist.html.spool*")
	if err != nil {
		md.Close()
		os.Remove(md.Name())
		return nil, err
	}
	s := &ChecklistStream{md: md, html: html, mdw: bufio.NewWriterSize(md, 64<<10), htmlw: bufio.NewWriterSize(html, 64<<10),
		in: make(chan indexedPair, 64), done: make(chan error, 1)}
	go s.render()
	return s, nil
}

// Done hands over pair i (any order, from any goroutine).
func (s *ChecklistStream) Done(i int, p report.ChecklistPair) { s.in <- indexedPair{i, p} }

func (s *ChecklistStream) render() {
	var err error
	waiting := map[int]report.ChecklistPair{}
	next := 0
	for x := range s.in {
		waiting[x.i] = x.p
		for {
			p, ok := waiting[next]
			if !ok {
				break
			}
			delete(waiting, next)
			next++
			if err == nil {
				err = checklistPairMarkdown(s.mdw, p)
			}
			if err == nil {
				err = htmlTmpl().ExecuteTemplate(s.htmlw, "pair", p)
			}
		}
	}
	if err == nil {
		err = s.mdw.Flush()
	}
	if err == nil {
		err = s.htmlw.Flush()
	}
	s.done <- err
}

// WriteFunc writes a document at path, filling it with fill: the command
// layer decides how (atomically, replacing a file or not).
type WriteFunc func(path string, fill func(io.Writer) error) error

// Finish writes mdPath and htmlPath with write once every pair was handed
// over, and removes the spools.
func (s *ChecklistStream) Finish(c *report.Checklist, write WriteFunc, mdPath, htmlPath string) error {
	close(s.in)
	err := <-s.done
	defer func() {
		for _, f := range []*os.File{s.md, s.html} {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err != nil {
		return err
	}
	body := func(f *os.File, w io.Writer) error {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return err
		}
		_, err := io.Copy(w, f)
		return err
	}
	if err := write(mdPath, func(w io.Writer) error {
		b := bufio.NewWriterSize(w, 64<<10)
		checklistHeadMarkdown(b, c)
		if err := b.Flush(); err != nil {
			return err
		}
		return body(s.md, w)
	}); err != nil {
		return err
	}
	return write(htmlPath, func(w io.Writer) error {
		b := bufio.NewWriterSize(w, 64<<10)
		if err := htmlTmpl().ExecuteTemplate(b, "head", c); err != nil {
			return err
		}
		if err := b.Flush(); err != nil {
			return err
		}
		if err := body(s.html, w); err != nil {
			return err
		}
		return htmlTmpl().ExecuteTemplate(w, "foot", c)
	})
}

// timeline is the SVG model of one pair's validity periods.
type timeline struct {
	Width, Height int
	Bars          []tlBar
	Marks         []tlMark
	Windows       []tlWindow
	Ticks         []tlTick
	LabelX, AxisY int
	BarH          int
}

type tlBar struct {
	Y, X, W      int
	Label, Title string
	Class        string
	// Note says, on a failing row, how far outside the window the
	// certificate's validity lies ("expired 455 days before the window"):
	// a bar drawn at the plot's edge is a sliver otherwise. NoteX and
	// NoteAnchor place it beside the bar.
	Note       string
	NoteX      int
	NoteAnchor string
}

type tlMark struct {
	X     int
	Label string
	Class string
}

type tlWindow struct {
	X, W  int
	Class string
}

type tlTick struct {
	X     int
	Label string
}

// buildTimeline draws the whole validity span of every certificate, both
// clocks and the change window, to one scale: the small overview.
func buildTimeline(r *report.Report, window time.Duration) *timeline {
	rows := timelineRows(r)
	if rows == nil {
		return nil
	}
	lo, hi := clockSpan(r, window)
	for _, x := range rows {
		if x.c.NotBefore.Before(lo) {
			lo = x.c.NotBefore
		}
		if x.c.NotAfter.After(hi) {
			hi = x.c.NotAfter
		}
	}
	return drawTimeline(r, rows, window, lo, hi, 14, "2006-01-02")
}

// buildZoom draws the clocks and the change window at a scale where a
// 4-hour window is wide: what matters during the change.
func buildZoom(r *report.Report, window time.Duration) *timeline {
	rows := timelineRows(r)
	if rows == nil {
		return nil
	}
	lo, hi := clockSpan(r, window)
	pad := max(hi.Sub(lo)/4, 30*time.Minute)
	return drawTimeline(r, rows, window, lo.Add(-pad), hi.Add(pad), 22, "2006-01-02 15:04")
}

type timelineRow struct {
	side string
	c    report.Cert
}

func timelineRows(r *report.Report) []timelineRow {
	if r == nil || r.Source == nil || r.Target == nil {
		return nil
	}
	var rows []timelineRow
	for _, c := range r.Source.Chain {
		rows = append(rows, timelineRow{"source", c})
	}
	for _, c := range r.Target.Chain {
		rows = append(rows, timelineRow{"target", c})
	}
	return rows
}

// clockSpan is from the earlier clock to the later clock's window end;
// the clock of an appliance not reached was never read and is not drawn.
func clockSpan(r *report.Report, window time.Duration) (lo, hi time.Time) {
	clocks := readClocks(r)
	if len(clocks) == 0 {
		clocks = []time.Time{r.Source.Clock}
	}
	lo, hi = clocks[0], clocks[0]
	for _, c := range clocks {
		for _, t := range []time.Time{c, c.Add(window)} {
			if t.Before(lo) {
				lo = t
			}
			if t.After(hi) {
				hi = t
			}
		}
	}
	return lo, hi
}

// readClocks are the clocks of the appliances reached, source first.
func readClocks(r *report.Report) []time.Time {
	var out []time.Time
	for _, a := range []*report.Appliance{r.Source, r.Target} {
		if a.Reached() {
			out = append(out, a.Clock.Truncate(time.Second))
		}
	}
	return out
}

func drawTimeline(r *report.Report, rows []timelineRow, window time.Duration, lo, hi time.Time, rowH int, tickFmt string) *timeline {
	// Whole seconds: a clock read from a Date header carries half a round
	// trip of microseconds, which must not move the drawing.
	lo, hi = lo.Truncate(time.Second), hi.Truncate(time.Second)
	span := hi.Sub(lo)
	if span <= 0 {
		span = time.Hour
	}
	const labelW, plotW = 260, 640
	tl := &timeline{Width: labelW + plotW + 50, LabelX: labelW, BarH: rowH - 4}
	x := func(t time.Time) int {
		v := labelW + int(float64(plotW)*float64(t.Sub(lo))/float64(span))
		return min(max(v, labelW), labelW+plotW) // what lies outside the span is drawn at its edge
	}
	// The window runs from the earliest clock read to the latest plus its
	// length; a clock never read is not drawn.
	clocks := readClocks(r)
	var winStart, winEnd time.Time
	for i, c := range clocks {
		if i == 0 || c.Before(winStart) {
			winStart = c
		}
		if i == 0 || c.Add(window).After(winEnd) {
			winEnd = c.Add(window)
		}
	}
	y := 30
	for _, rw := range rows {
		cls := "ok"
		for _, clk := range clocks {
			if clk.Before(rw.c.NotBefore) || clk.Add(window).After(rw.c.NotAfter) {
				cls = "bad"
			}
		}
		w := x(rw.c.NotAfter) - x(rw.c.NotBefore)
		if w < 2 {
			w = 2
		}
		name := rw.c.CommonName
		if name == "" {
			name = rw.c.Subject.DN
		}
		bar := tlBar{Y: y, X: x(rw.c.NotBefore), W: w, Class: cls,
			Label: fmt.Sprintf("%s %d %s (%s)", sideWord(report.Side(rw.side)), rw.c.Index, name, rw.c.Role),
			Title: fmt.Sprintf("%s: %s .. %s", name, rw.c.NotBefore.Format(time.RFC3339), rw.c.NotAfter.Format(time.RFC3339))}
		if cls == "bad" && len(clocks) > 0 {
			bar.Note = outsideWindow(rw.c, winStart, winEnd)
			bar.NoteX, bar.NoteAnchor = bar.X+bar.W+6, "start"
			if bar.X+bar.W/2 > labelW+plotW/2 {
				bar.NoteX, bar.NoteAnchor = bar.X-6, "end"
			}
		}
		tl.Bars = append(tl.Bars, bar)
		y += rowH
	}
	tl.AxisY = y + 4
	tl.Height = y + 40
	for _, m := range []struct {
		a     *report.Appliance
		label string
		cls   string
	}{{r.Source, tr("legend.source-clock", "source clock"), "src"}, {r.Target, tr("legend.target-clock", "target clock"), "tgt"}} {
		if !m.a.Reached() {
			continue // never read: not drawn
		}
		t := m.a.Clock.Truncate(time.Second)
		tl.Marks = append(tl.Marks, tlMark{X: x(t), Label: m.label + " " + t.Format(time.RFC3339), Class: m.cls})
		if window > 0 {
			w := x(t.Add(window)) - x(t)
			if w < 1 {
				w = 1
			}
			tl.Windows = append(tl.Windows, tlWindow{X: x(t), W: w, Class: m.cls})
		}
	}
	for i := 0; i <= 4; i++ {
		t := lo.Add(time.Duration(float64(span) * float64(i) / 4))
		tl.Ticks = append(tl.Ticks, tlTick{X: x(t), Label: t.Format(tickFmt)})
	}
	return tl
}

// outsideWindow says how a certificate's validity misses the window from
// the earlier clock to the later clock's window end.
func outsideWindow(c report.Cert, start, end time.Time) string {
	switch {
	case c.NotAfter.Before(start):
		return tr("timeline.expired", "expired %s before the window", report.Human(start.Sub(c.NotAfter)))
	case c.NotAfter.Before(end):
		return tr("timeline.expires", "expires %s before the window ends", report.Human(end.Sub(c.NotAfter)))
	case c.NotBefore.After(start):
		return tr("timeline.not-yet", "not valid until %s into the window", report.Human(c.NotBefore.Sub(start)))
	}
	return tr("timeline.not-valid", "not valid at a clock")
}

// bannerText is the checklist's verdict in words, for the banner.
func bannerText(c *report.Checklist) string {
	n := map[report.Verdict]int{}
	for _, p := range c.Pairs {
		n[p.Verdict]++
	}
	switch c.Verdict {
	case report.VerdictPass:
		return tr("checklist.banner.pass", "PASS: all %s should pair", countOf("pair", len(c.Pairs)))
	case report.VerdictFail:
		return tr("checklist.banner.fail", "FAIL: %d of %s would not pair (%d pass, %d incomplete)", n[report.VerdictFail], countOf("pair", len(c.Pairs)), n[report.VerdictPass], n[report.VerdictIncomplete])
	}
	return tr("checklist.banner.incomplete", "INCOMPLETE: %d of %s could not be judged (%d pass)", n[report.VerdictIncomplete], countOf("pair", len(c.Pairs)), n[report.VerdictPass])
}

// htmlTmpl is parsed on first use: most runs never draw HTML, and parsing
// it costs every process start half a millisecond.
var htmlTmpl = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("checklist").Funcs(template.FuncMap{
		"upper": verdictWord,
		// t is a fixed text in the run's language (html/template escapes it).
		"t":     func(id, en string, args ...any) string { return tr(id, en, args...) },
		"lang":  HTMLLang,
		"msg":   msg,
		"fix":   fix,
		"desc":  func(r checkRow) string { return ruleText(r.Rule, "description", r.Description) },
		"count": func(r *report.Report, s string) int { return r.Count(report.Severity(s)) },
		"short": report.Name.Short,
		"timeline": func(p report.ChecklistPair) *timeline {
			return buildTimeline(p.Report, p.Window)
		},
		"zoom": func(p report.ChecklistPair) *timeline {
			return buildZoom(p.Report, p.Window)
		},
		"rfc":      func(t time.Time) string { return t.Format(time.RFC3339) },
		"banner":   bannerText,
		"errRules": func(r *report.Report) string { return ruleList(r, report.SevError) },
		// A before-issuing item: not checked, failed (error or warning) or met.
		"biClass": func(it report.BeforeIssuing) string {
			switch {
			case it.Report == nil || it.Status == report.NA:
				return "na"
			case it.Status >= report.Warn:
				return "fail"
			}
			return "pass"
		},
		"biMark": func(it report.BeforeIssuing) string {
			switch {
			case it.Report == nil || it.Status == report.NA:
				return "(" + tr("text.not-checked", "not checked") + ")"
			case it.Status >= report.Warn:
				return "\u2717"
			}
			return "\u2713"
		},
		"nchecked":  func(r *report.Report) int { return r.NotCheckedCount() },
		"checkrows": checkRows,
		// One pair at a time: a copy of the whole checklist would double
		// the memory of a large inventory.
		"safe":     func(p report.ChecklistPair) report.ChecklistPair { return Safe(p) },
		"safeText": TermSafe,
		"sym": func(c string) string {
			switch c {
			case "pass":
				return "\u2713 " + tr("state.pass", "pass")
			case "warn":
				return "! " + tr("state.warn", "warn")
			case "fail":
				return "\u2717 " + tr("state.fail", "fail")
			case "info":
				return "i " + tr("word.info", "info")
			case "notchecked":
				return "? " + tr("text.not-checked", "not checked")
			}
			return "\u2013"
		},
		"tc":        htmlText,
		"fixed":     func(id string) template.HTML { return htmlText(id, fixedHTML[id]) },
		"stitle":    func(s string) string { return sideTitle(report.Side(s)) },
		"sideClock": sideClockHTML,
		"yesno": func(b bool) string {
			return map[bool]string{true: tr("word.true", "true"), false: tr("word.false", "false")}[b]
		},
		"shortList":  func(ns []report.Name) string { return strings.Join(report.ShortNames(ns), ", ") },
		"failures":   failuresText,
		"hsHead":     hsHead,
		"httpNote":   httpNote,
		"step":       stepText,
		"side":       sideWord,
		"manualText": manualText,
		"manualWhy":  manualWhy,
		"biWhat":     biWhat,
		"dur":        func(d time.Duration) string { return report.Human(d.Abs()) },
		"mark": func(r report.Row) string {
			if r.Match && r.SameKey {
				return "<->"
			}
			return "X"
		},
		"cell": func(c *report.RowCert, f string) string {
			if c == nil {
				return "-"
			}
			if f == "subject" {
				return c.Subject.Short()
			}
			return c.Issuer.Short()
		},
	}).Parse(`{{template "head" .}}{{range .Pairs}}{{template "pair" .}}{{end}}{{template "foot" .}}{{define "head"}}<!DOCTYPE html>
<html lang="{{lang}}"><head><meta charset="utf-8"><title>{{t "checklist.html.title" "OME migration checklist"}}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em;color:#222;max-width:1100px}
h1{font-size:1.5em}h2{font-size:1.25em;border-top:2px solid #ccc;padding-top:1em;margin-top:2em}h3{font-size:1.05em}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;font-size:.9em}
.pass{color:#17702a;font-weight:600}.fail{color:#b00020;font-weight:600}.incomplete,.warn{color:#a35d00;font-weight:600}.na{color:#777}
li.error{color:#b00020}li.warning{color:#a35d00}li.info{color:#555}.fix{color:#333;font-size:.9em}
svg text{font-size:11px;font-family:inherit}.bar.ok{fill:#5aa469}.bar.bad{fill:#d9534f}
.clock.src{stroke:#1f5fbf}.clock.tgt{stroke:#8a2be2}.win.src{fill:#1f5fbf;opacity:.25}.win.tgt{fill:#8a2be2;opacity:.25}
.mark{font-family:monospace;font-weight:700}table.cl td.pass,table.cl td.fail,table.cl td.warn{font-weight:600;white-space:nowrap}table.cl td.na,table.cl td.info{color:#888;white-space:nowrap}table.cl td.notchecked{color:#5a4a8a;background:repeating-linear-gradient(45deg,#f4f2fa,#f4f2fa 6px,#fff 6px,#fff 12px);border:1px dashed #8a7ab8;font-style:italic}table.cl .why{font-size:.8em;white-space:normal;max-width:18em}.wizard{border-left:4px solid #b00020;padding:.3em .8em;background:#fff4f4}ul.manual{list-style:none;padding-left:0}ul.manual .toconfirm{color:#5a4a8a;font-style:italic}ul.manual .why{font-size:.8em;color:#555;margin-left:1.6em}
.banner{font-size:1.6em;font-weight:700;padding:.6em .9em;border-radius:6px;margin:.4em 0 1em;color:#fff}.banner.pass{background:#17702a}.banner.fail{background:#b00020}.banner.incomplete{background:#a35d00}
.run{font-size:.85em;color:#444}.run code{font-size:.95em}details.pair{margin:.5em 0 1em}details.pair>summary{cursor:pointer;font-weight:600;color:#1f4f8f}
.legend{font-size:.85em;color:#333;margin:.2em 0 .8em;padding:0;list-style:none;display:flex;flex-wrap:wrap;gap:.3em 1.4em}.legend i{display:inline-block;width:18px;height:10px;margin-right:.4em;vertical-align:middle}
.legend .ok{background:#5aa469}.legend .bad{background:#d9534f}.legend .src{background:#1f5fbf}.legend .tgt{background:#8a2be2}.legend .wsrc{background:rgba(31,95,191,.25)}.legend .wtgt{background:rgba(138,43,226,.25)}.legend i.src,.legend i.tgt{width:3px;height:14px}
svg .badnote,svg .badlabel{fill:#b00020;font-weight:700}svg .badrow{fill:#fde8e8}
</style></head><body>
<h1>{{t "checklist.title" "OME migration change-window checklist"}}</h1>
<div class="banner {{.Verdict}}" role="status">{{banner .}}</div>
<p>{{t "checklist.html.inventory" "Inventory"}} <code>{{.Inventory}}</code>, {{t "checklist.html.generated" "generated %s." (rfc .Generated)}} {{t "checklist.html.overall" "Overall:"}} <span class="{{.Verdict}}">{{upper .Verdict}}</span>.</p>
{{with .Run}}<p class="run">{{tc "run.ran-by" "Ran by %s %s at %s." .Tool .Version (rfc .At)}} {{fixed "checklist.html.rule-docs"}}</p>
<table class="run"><tr><th>{{t "checklist.html.col.input" "input"}}</th><th>{{t "checklist.html.col.file" "file"}}</th><th>SHA-256</th><th>{{t "checklist.html.col.bytes" "bytes"}}</th></tr>
{{range .Inputs}}<tr><td>{{.Role}}</td><td><code>{{.File}}</code></td><td>{{if .SHA256}}<code>{{.SHA256}}</code>{{else}}{{.Error}}{{end}}</td><td>{{.Bytes}}</td></tr>
{{end}}</table>{{end}}
<table><tr><th>{{t "checklist.col.pair" "pair"}}</th><th>{{t "checklist.col.checked-by" "checked by"}}</th><th>{{t "checklist.col.verdict" "verdict"}}</th><th>{{t "checklist.col.errors" "errors"}}</th><th>{{t "checklist.col.warnings" "warnings"}}</th><th>{{t "checklist.col.fix-first" "fix first"}}</th></tr>
{{range .Pairs}}<tr><td><a href="#pair-{{safeText .Name}}">{{safeText .Name}}</a></td><td>{{.Kind}}</td><td class="{{.Verdict}}">{{upper .Verdict}}</td><td>{{if .Report}}{{count .Report "error"}}{{end}}</td><td>{{if .Report}}{{count .Report "warning"}}{{end}}</td><td>{{with .Report}}{{with .FixFirst}}<code>{{.Rule}}</code>{{end}}{{end}}</td></tr>
{{end}}</table>
{{with .Manual}}<h2>{{t "checklist.manual.head" "To confirm by hand (every pair)"}}</h2>
<p>{{t "checklist.manual.intro" "ome-preflight cannot observe these: each is yours to confirm and tick; none counts as passed."}}</p>
<ul class="manual">{{range .}}<li><input type="checkbox"> <span class="toconfirm">{{t "checklist.manual.to-confirm" "to confirm"}}</span> {{manualText .}} <code>{{.ID}}</code><div class="why">{{manualWhy .}}. {{t "checklist.manual.source" "Source: %s" .Reference}}</div></li>
{{end}}</ul>{{end}}
{{end}}{{define "pair"}}{{with safe .}}{{$p := .}}
<h2 id="pair-{{.Name}}">{{t "checklist.pair" "Pair %s" .Name}}: <span class="{{.Verdict}}">{{upper .Verdict}}</span></h2>
{{if .Error}}<p class="fail">{{t "checklist.not-checked" "Could not be checked: %s" .Error}}</p>{{end}}
{{with .BeforeIssuing}}<h3>{{t "checklist.before.head" "Before issuing"}}</h3><p>{{t "checklist.before.intro" "The CA template and the appliances' CSRs, judged before the certificates exist (ome-preflight template, ome-preflight csr)."}}</p><ul>
{{range .}}<li class="{{biClass .}}">{{biMark .}} {{biWhat .}} <code>{{.File}}</code>{{if .Reason}}: {{.Reason}}{{end}}{{with .Report}}<ul>{{range .Findings}}<li class="{{.Severity}}"><b>{{.Severity}}</b> <code>{{.Rule}}</code> {{msg .}}{{if .OMEMessageID}} (OME {{.OMEMessageID}}{{range .OMEMessageArgs}} "{{.}}"{{end}}){{end}}{{if ne .Severity "info"}}<div class="fix">{{t "word.Fix" "Fix"}}: {{fix .}}</div>{{end}}</li>{{end}}</ul>{{end}}</li>
{{end}}</ul>{{end}}
{{with .Report}}{{range .Incomplete}}<p class="fail">{{t "checklist.not-run" "Not run: %s" (step .)}}</p>{{end}}
{{if .WizardMessage}}<p class="wizard">{{t "text.wizard-would-say" "The migration wizard would say"}}: {{.WizardMessage}}</p>{{end}}
{{with .FixFirst}}<p><b>{{t "heading.fix-first" "Fix this first"}}</b> (<code>{{.Rule}}</code>): {{if .Side}}{{side .Side}}: {{end}}{{msg .}}{{if .Fix}} <span class="fix">{{t "word.Fix" "Fix"}}: {{fix .}}</span>{{end}}</p>{{end}}
<p>{{sideClock "source" .Source}}
{{sideClock "target" .Target}}
{{with .Clocks}}{{t "checklist.skew" "Skew %s; change window %s." (dur .Skew) (dur .Window)}}{{end}}</p>
{{with errRules .}}<p>{{t "summary.errors" "Errors: %s" .}}.</p>{{end}}
{{with .Run}}<p class="run">{{tc "run.ran-by" "Ran by %s %s at %s." .Tool .Version (rfc .At)}}{{range .Inputs}} {{.Role}} <code>{{.File}}</code>: SHA-256 {{if .SHA256}}<code>{{.SHA256}}</code>{{else}}{{.Error}}{{end}}.{{end}}</p>{{end}}
{{with zoom $p}}<h3>{{t "checklist.html.zoom" "Clocks and change window (zoomed)"}}</h3>
{{template "timeline" .}}{{template "legend"}}{{end}}
<details class="pair"><summary>{{t "checklist.html.details" "Details: validity overview, checklist (%d checks, %d not checked), KB table, handshakes, findings (%d)" (len .Checks) (nchecked .) (len .Findings)}}</summary>
{{with timeline $p}}<h3>{{t "checklist.html.overview" "Validity overview (to scale)"}}</h3>
{{template "timeline" .}}{{template "legend"}}{{end}}
<h3>{{t "md.checklist" "Checklist"}}</h3>
<table class="cl"><tr><th>{{t "checklist.html.col.requirement" "requirement"}}</th><th>{{t "checklist.html.col.rule" "rule"}}</th><th>{{t "side.source" "source"}}</th><th>{{t "side.target" "target"}}</th><th>{{t "side.pair" "pair"}}</th></tr>
{{range checkrows .}}<tr><td>{{desc .}}</td><td><code>{{.Rule}}</code></td>{{range .Cells}}<td class="{{.State}}"{{if .Reason}} title="{{.Reason}}"{{end}}>{{sym .State}}{{if .Reason}}<div class="why">{{.Reason}}</div>{{end}}</td>{{end}}</tr>
{{end}}</table>
{{if .Rows}}<h3>{{t "md.kb-table" "Issued to / issued by (KB 000221202)"}}</h3>
<table><tr><th>{{t "kb.source-to" "source issued to"}}</th><th>{{t "kb.source-by" "source issued by"}}</th><th></th><th>{{t "kb.target-to" "target issued to"}}</th><th>{{t "kb.target-by" "target issued by"}}</th></tr>
{{range .Rows}}<tr><td>{{cell .Source "subject"}}</td><td>{{cell .Source "issuer"}}</td><td class="mark {{if eq (mark .) "X"}}fail{{else}}pass{{end}}">{{mark .}}</td><td>{{cell .Target "subject"}}</td><td>{{cell .Target "issuer"}}</td></tr>
{{end}}</table>{{end}}
{{$a := .Source}}{{with .Source.Observed}}<h3>{{t "checklist.html.observed" "%s as observed" (stitle "source")}}</h3>{{if $a.NotReached}}<p class="fail">{{fixed "md.observed.not-reached"}}</p>{{else if .TLSVersion}}<p>{{.TLSVersion}} {{.CipherSuite}}; {{t "checklist.obs.requests" "requests a client certificate: %s" (yesno .RequestsClientCert)}}{{if .AcceptableCAs}} {{t "checklist.obs.from" "from %s" (shortList .AcceptableCAs)}}{{end}}.</p>{{else}}<p class="fail">{{tc "checklist.obs.not-reached" "Not reached: %s. Nothing that needs this appliance was checked (see \"not checked\" above)." (failures .Failures)}}</p>{{end}}
{{if not $a.NotReached}}<ul>{{range .Handshakes}}<li>{{hsHead .}}: {{if .OK}}{{t "word.ok" "ok"}}{{else}}{{t "word.failed" "failed"}}{{end}} {{.Version}} {{.Error}}{{if .HTTPStatus}} HTTP {{.HTTPStatus}}{{end}}{{if .HTTPNote}} ({{httpNote .HTTPNote}}){{end}}</li>{{end}}</ul>{{end}}{{end}}
{{$a := .Target}}{{with .Target.Observed}}<h3>{{t "checklist.html.observed" "%s as observed" (stitle "target")}}</h3>{{if $a.NotReached}}<p class="fail">{{fixed "md.observed.not-reached"}}</p>{{else if .TLSVersion}}<p>{{.TLSVersion}} {{.CipherSuite}}; {{t "checklist.obs.requests" "requests a client certificate: %s" (yesno .RequestsClientCert)}}{{if .AcceptableCAs}} {{t "checklist.obs.from" "from %s" (shortList .AcceptableCAs)}}{{end}}.</p>{{else}}<p class="fail">{{tc "checklist.obs.not-reached" "Not reached: %s. Nothing that needs this appliance was checked (see \"not checked\" above)." (failures .Failures)}}</p>{{end}}
{{if not $a.NotReached}}<ul>{{range .Handshakes}}<li>{{hsHead .}}: {{if .OK}}{{t "word.ok" "ok"}}{{else}}{{t "word.failed" "failed"}}{{end}} {{.Version}} {{.Error}}{{if .HTTPStatus}} HTTP {{.HTTPStatus}}{{end}}{{if .HTTPNote}} ({{httpNote .HTTPNote}}){{end}}</li>{{end}}</ul>{{end}}{{end}}
{{if .Findings}}<h3>{{t "md.findings" "Findings"}}</h3><p class="run">{{fixed "checklist.html.rule-doc"}}</p><ul>
{{range .Findings}}<li class="{{.Severity}}"><b>{{.Severity}}</b> <code title="ome-preflight rules {{.Rule}}">{{.Rule}}</code> {{if .Side}}{{side .Side}}: {{end}}{{msg .}}{{if .OMEMessageID}} (OME {{.OMEMessageID}}{{range .OMEMessageArgs}} "{{.}}"{{end}}){{end}}{{if ne .Severity "info"}}<div class="fix">{{t "word.Fix" "Fix"}}: {{fix .}}</div>{{end}}</li>
{{end}}</ul>{{end}}
</details>
{{end}}{{end}}{{end}}{{define "legend"}}<ul class="legend"><li><i class="ok"></i>{{t "legend.ok" "certificate valid at both clocks through the window"}}</li><li><i class="bad"></i>{{t "legend.bad" "certificate not valid at a clock or expiring within the window (the red note says by how much)"}}</li><li><i class="src"></i>{{t "legend.source-clock" "source clock"}}</li><li><i class="tgt"></i>{{t "legend.target-clock" "target clock"}}</li><li><i class="wsrc"></i>{{t "legend.source-window" "change window from the source clock"}}</li><li><i class="wtgt"></i>{{t "legend.target-window" "change window from the target clock"}}</li></ul>{{end}}{{define "foot"}}
</body></html>
{{end}}{{define "timeline"}}<svg xmlns="http://www.w3.org/2000/svg" width="{{.Width}}" height="{{.Height}}" role="img" aria-label="{{t "timeline.aria" "validity timeline"}}">
{{range .Windows}}<rect class="win {{.Class}}" x="{{.X}}" y="20" width="{{.W}}" height="{{$.AxisY}}"/>{{end}}
{{range .Bars}}{{if eq .Class "bad"}}<rect class="badrow" x="0" y="{{.Y}}" width="{{$.Width}}" height="{{$.BarH}}"/>{{end}}<text x="4" y="{{.Y}}" dy="{{$.BarH}}"{{if eq .Class "bad"}} class="badlabel"{{end}}>{{.Label}}</text><rect class="bar {{.Class}}" x="{{.X}}" y="{{.Y}}" width="{{.W}}" height="{{$.BarH}}"><title>{{.Title}}</title></rect>{{if .Note}}<text class="badnote" x="{{.NoteX}}" y="{{.Y}}" dy="{{$.BarH}}" text-anchor="{{.NoteAnchor}}">{{.Note}}</text>{{end}}{{end}}
{{range .Marks}}<line class="clock {{.Class}}" x1="{{.X}}" x2="{{.X}}" y1="14" y2="{{$.AxisY}}" stroke-width="2"/>{{end}}
{{range $i, $m := .Marks}}<text x="{{$m.X}}" y="{{if eq $i 0}}10{{else}}{{$.Height}}{{end}}" dy="{{if eq $i 0}}0{{else}}-2{{end}}" text-anchor="middle">{{$m.Label}}</text>{{end}}
<line x1="{{.LabelX}}" x2="{{.Width}}" y1="{{.AxisY}}" y2="{{.AxisY}}" stroke="#999"/>
{{range .Ticks}}<text x="{{.X}}" y="{{$.AxisY}}" dy="14" text-anchor="middle">{{.Label}}</text>{{end}}
</svg>{{end}}`))
})

// manualText and manualWhy are a manual item's text and why in the run's
// language (JSON keeps the English; ids manual.ID.text and .why).
func manualText(m report.ManualItem) string { return i18n.T("manual."+m.ID+".text", m.Text) }
func manualWhy(m report.ManualItem) string  { return i18n.T("manual."+m.ID+".why", m.Why) }

// biWhat names a before-issuing input ("source csr", "target csr",
// "template") in the run's language.
func biWhat(it report.BeforeIssuing) string {
	return i18n.T("before.what."+strings.ReplaceAll(it.What, " ", "-"), it.What)
}

// htmlText is a catalogue text for the HTML's element content: its
// arguments escaped as html/template escapes them, its own words escaped
// only where text content needs it (&, <, >: an apostrophe stays one, as
// in the template's literal text), and a `span` in backquotes set as code.
func htmlText(id, en string, args ...any) template.HTML {
	tok := make([]any, len(args))
	for i := range args {
		tok[i] = fmt.Sprintf("\ue000%d\ue001", i)
	}
	s := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(tr(id, en, tok...))
	s = backquoted.ReplaceAllString(s, "<code>$1</code>")
	for i, a := range args {
		s = strings.Replace(s, tok[i].(string), template.HTMLEscaper(a), 1)
	}
	return template.HTML(s)
}

// fixedHTML are the English of the HTML's fixed texts with code in
// backquotes (the template, a raw string, cannot hold them).
var fixedHTML = map[string]string{
	"checklist.html.rule-docs": "Each rule's documentation ships in the binary: `ome-preflight rules RULE`.",
	"md.observed.not-reached":  "Not reached: nothing was observed (see `live-unreachable`).",
	"checklist.html.rule-doc":  "A rule's documentation: `ome-preflight rules RULE` (in the binary, no web needed).",
}

var backquoted = regexp.MustCompile("`([^`\ue000\ue001]*)`")

// sideClockHTML is a side's clock sentence in the pair's HTML section.
func sideClockHTML(side string, a *report.Appliance) template.HTML {
	if a == nil {
		return ""
	}
	title := sideTitle(report.Side(side))
	where := a.Address
	if where == "" {
		where = a.File
	}
	var h template.HTML
	if a.NotReached != "" {
		h = htmlText("checklist.side.not-reached", "%s %s: not reached, its clock was not read", title, where)
	} else {
		h = htmlText("checklist.side.clock", "%s %s: clock %s (%s)", title, where, a.Clock.Format(time.RFC3339), clockSource(a.ClockSource))
	}
	if a.Address != "" && a.File != "" {
		h += htmlText("text.side.offline", "; the chain you expect it to serve, %s, checked offline at this machine's clock", a.File)
	}
	return h + "."
}

// failuresText is an unreached appliance's failed steps: "connect failed:
// ...; tls handshake failed: ...".
func failuresText(fs []report.Failure) string {
	var parts []string
	for _, f := range fs {
		parts = append(parts, tr("checklist.obs.failed", "%s failed: %s", f.Step, f.Error))
	}
	return strings.Join(parts, "; ")
}

// hsHead is "handshake mutual as CLIENT" in the run's language.
func hsHead(h report.Handshake) string {
	if h.ClientCert.DN != "" {
		return tr("checklist.hs.as", "handshake %s as %s", string(h.Kind), h.ClientCert.Short())
	}
	return tr("checklist.hs", "handshake %s", string(h.Kind))
}

// RenderChecklistHTML writes one self-contained HTML file: no external
// assets, the timeline drawn as inline SVG.
func RenderChecklistHTML(w io.Writer, c *report.Checklist) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := htmlTmpl().Execute(bw, c); err != nil {
		return err
	}
	return bw.Flush()
}

// checkRow is one requirement with its status on each side.
type checkRow struct {
	Rule, Description string
	Cells             []checkCell // source, target, pair
}

// checkCell is one check's state: pass, warn, fail, info, na (does not
// apply) or notchecked (its evidence is missing; Reason says which).
type checkCell struct {
	State, Reason string
}

func checkRows(r *report.Report) []checkRow {
	var rows []checkRow
	idx := map[string]int{}
	for _, c := range r.Checks {
		i, ok := idx[c.Rule]
		if !ok {
			i = len(rows)
			idx[c.Rule] = i
			rows = append(rows, checkRow{Rule: c.Rule, Description: c.Description, Cells: []checkCell{{State: "na"}, {State: "na"}, {State: "na"}}})
		}
		col := map[report.Side]int{report.SideSource: 0, report.SideTarget: 1}[c.Side]
		if c.Side == report.SidePair || c.Side == report.SideNone {
			col = 2
		}
		cell := checkCell{State: "na"}
		switch c.Status {
		case report.Pass:
			cell.State = "pass"
		case report.Warn:
			cell.State = "warn"
		case report.Error, report.Fatal:
			cell.State = "fail"
		case report.Info:
			cell.State = "info"
		case report.NA:
			if c.NotChecked() {
				cell = checkCell{State: "notchecked", Reason: reason(c.Rule, c.Reason)}
			}
		}
		rows[i].Cells[col] = cell
	}
	var out []checkRow
	for _, r := range rows {
		if r.Cells[0].State != "na" || r.Cells[1].State != "na" || r.Cells[2].State != "na" {
			out = append(out, r)
		}
	}
	return out
}
