package render

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/ome-preflight/ome-preflight/i18n"
	"github.com/ome-preflight/ome-preflight/report"
	"golang.org/x/text/width"
)

// tr is a human-facing text in the run's language: the catalogue's entry
// id (i18n/locales), en (its English, the same as en.json's) when the
// catalogue has none. JSON never goes through tr.
func tr(id, en string, args ...any) string {
	return i18n.T(id, fmt.Sprintf(en, args...), args...)
}

// countOf is "n errors" in the run's language (ids count.WHAT.one/other).
func countOf(what string, n int) string {
	form := "other"
	if n == 1 {
		form = "one"
	}
	en := fmt.Sprintf("%d %ss", n, what)
	if n == 1 {
		en = fmt.Sprintf("%d %s", n, what)
	}
	return i18n.T("count."+what+"."+form, en, n)
}

// reason is a check's na reason in the run's language (its catalogue entry
// when it has one, else as given).
func reason(rule, why string) string {
	id, args := i18n.IdentifyReason(rule, why)
	return i18n.Localise(id, args, why)
}

// ruleText is a rule's description or fix (part "description", "fix") in
// the run's language.
func ruleText(rule, part, en string) string {
	return i18n.Localise("rule."+rule+"."+part, nil, en)
}

// finding's message and fix in the run's language.
func msg(f report.Finding) string { return f.LocalMessage() }
func fix(f report.Finding) string { return f.LocalFix() }

// HTMLLang is the HTML documents' lang attribute: the run's language.
func HTMLLang() string { return i18n.Tag(i18n.Active().Code()) }

// displayWidth is how many terminal columns s takes: East Asian wide and
// fullwidth runes (Hangul, CJK) take two, escape sequences none.
func displayWidth(s string) int {
	n := 0
	for i := 0; i < len(s); {
		if s[i] == 0x1b { // ANSI SGR: ESC [ ... m
			j := strings.IndexByte(s[i:], 'm')
			if j < 0 {
				break
			}
			i += j + 1
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

// table is text/tabwriter's column alignment (cells end with a tab, two
// spaces of padding) by display width, so that Hangul columns line up.
type table struct {
	w   io.Writer
	buf strings.Builder
}

func newTable(w io.Writer) *table { return &table{w: w} }

func (t *table) Write(p []byte) (int, error) { return t.buf.Write(p) }

// Flush aligns the columns of consecutive lines that have them and writes
// everything out.
func (t *table) Flush() error {
	text := t.buf.String()
	t.buf.Reset()
	lines := strings.SplitAfter(text, "\n")
	var widths []int
	for _, l := range lines {
		cells := strings.Split(strings.TrimSuffix(l, "\n"), "\t")
		for i, c := range cells[:len(cells)-1] {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], displayWidth(c))
		}
	}
	var b strings.Builder
	for _, l := range lines {
		nl := strings.HasSuffix(l, "\n")
		cells := strings.Split(strings.TrimSuffix(l, "\n"), "\t")
		for i, c := range cells {
			b.WriteString(c)
			if i < len(cells)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-displayWidth(c)+2))
			}
		}
		if nl {
			b.WriteString("\n")
		}
	}
	_, err := io.WriteString(t.w, b.String())
	return err
}

// sideWord is a role word ("source", "target", "pair") in the run's
// language.
func sideWord(s report.Side) string {
	return i18n.T("side."+string(s), string(s))
}

// roleWord is "server" or "client" (a Usage's role) in the run's language.
func roleWord(u report.Usage) string {
	return i18n.T("role."+u.Role(), u.Role())
}

// sideTitle is "Source", "Target" or "Pair" in the run's language.
func sideTitle(s report.Side) string {
	en := string(s)
	if en != "" {
		en = strings.ToUpper(en[:1]) + en[1:]
	}
	return i18n.T("side.title."+string(s), en)
}

// clockSource is where a clock came from, in the run's language (the
// catalogue's arg.clock-*, which also translates it inside a finding); a
// clock given by a flag ("--target-time") is named as given.
func clockSource(c report.ClockSource) string { return i18n.Text("arg.clock-", c.Text) }

// httpNotes are the catalogue ids of what a passing handshake's HTTP 401
// means (pairing's http401Note).
var httpNotes = map[string]string{
	"no credentials were sent, as no --user was given: the API's expected answer; the handshake itself passed": "http401.no-user",
	"credentials were withheld, see api-access: the API's expected answer; the handshake itself passed":        "http401.withheld",
	"the API refused the credentials, see api-access; the handshake itself passed":                             "http401.refused",
}

// httpNote is a handshake's HTTP note in the run's language.
func httpNote(s string) string {
	if id, ok := httpNotes[s]; ok {
		return i18n.T(id, s)
	}
	return i18n.Text("arg.", s)
}

// padLabels are labels with their colon, padded to one display width
// ("subject: ", "key:     " in English), for the text's aligned facts.
func padLabels(labels ...string) []string {
	w := 0
	for _, s := range labels {
		w = max(w, displayWidth(s))
	}
	out := make([]string, len(labels))
	for i, s := range labels {
		out[i] = s + ":" + strings.Repeat(" ", w-displayWidth(s)+1)
	}
	return out
}

// stepText is a step that could not run (report.Incomplete) in the run's
// language: a shared reason (reason.*) or a step (step.*) of the
// catalogue, else as given.
func stepText(s string) string { return i18n.Text("step.", i18n.Text("reason.", s)) }
