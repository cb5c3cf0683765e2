package main

import (
	"bytes"
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ome-preflight/ome-preflight/fixtures"
	"github.com/ome-preflight/ome-preflight/i18n"
	"github.com/ome-preflight/ome-preflight/render"
	"github.com/ome-preflight/ome-preflight/report"
)

// escapedForms lists, sorted and deduplicated, how out renders a hostile
// value: every stretch from its first to its last visible word.
func escapedForms(re *regexp.Regexp, out string) []string {
	forms := re.FindAllString(out, -1)
	slices.Sort(forms)
	return slices.Compact(forms)
}

// TestEscapingSameInEveryLanguage: a hostile CA name inside a translated
// finding (pair-ca-names, the KB's invalid pair) is escaped exactly as in
// English, in the terminal, Markdown and HTML; only the words around it
// change with --lang.
func TestEscapingSameInEveryLanguage(t *testing.T) {
	noLeaks(t)
	labClock(t)
	p := fixtures.MustBuild(testBase,
		fixtures.Spec{ID: "root", CN: "Root-CA", CA: true},
		fixtures.Spec{ID: "inter1", CN: hostileName, Issuer: "root", CA: true},
		fixtures.Spec{ID: "inter2", CN: "Inter-CA2", Issuer: "root", CA: true},
		fixtures.Spec{ID: "source", CN: "oment-310.example.com", Issuer: "inter1", DNS: []string{"oment-310.example.com"}},
		fixtures.Spec{ID: "target", CN: "oment-40.example.com", Issuer: "inter2", DNS: []string{"oment-40.example.com"}},
	)
	dir := t.TempDir()
	src := writeChain(t, dir, "source.pem", p.Chain("source", "inter1", "root")...)
	tgt := writeChain(t, dir, "target.pem", p.Chain("target", "inter2", "root")...)
	name := regexp.MustCompile(`OMENT[^\n]*?exe\.pdf`)
	for _, format := range []string{"text", "markdown"} {
		var want []string
		var outs []string
		for _, l := range []string{"en", "ko", "nl"} {
			res := runCLI(t, "--no-color", "--lang", l, "compare", "--format", format, src, tgt)
			if res.code != 1 {
				t.Fatalf("%s %s: exit %d, want 1:\n%s", l, format, res.code, res.stderr)
			}
			assertInert(t, l+" "+format, res.stdout, format == "markdown")
			got := escapedForms(name, res.stdout)
			if len(got) == 0 {
				t.Fatalf("%s %s: the hostile name is not in the report:\n%s", l, format, res.stdout)
			}
			if l == "en" {
				want = got
			} else if !slices.Equal(got, want) {
				t.Errorf("%s %s: the hostile name renders as %q, in English %q", l, format, got, want)
			}
			outs = append(outs, res.stdout)
		}
		// The words around it did change: the test saw three languages.
		if outs[0] == outs[1] || outs[0] == outs[2] {
			t.Errorf("%s: a translated report is the English one", format)
		}
	}

	// HTML: the checklist of that pair, with markup in the finding's
	// arguments as well.
	res := runCLI(t, "compare", "--format", "json", src, tgt)
	var r report.Report
	if err := json.Unmarshal([]byte(res.stdout), &r); err != nil {
		t.Fatal(err)
	}
	markup := `<script>alert("x")</script> & <b onmouseover='y'>`
	hit := false
	for i, f := range r.Findings {
		if f.MessageID == "finding.pair-ca-names.msg4" {
			r.Findings[i].MessageArgs[1] = markup + hostileName
			hit = true
		}
	}
	if !hit {
		t.Fatalf("no pair-ca-names row finding to translate: %+v", r.Findings)
	}
	cl := &report.Checklist{Verdict: report.VerdictFail, Inventory: "inv<i>.csv", Generated: testBase,
		Pairs: []report.ChecklistPair{{Name: "pair<1>", Verdict: report.VerdictFail, Kind: "compare", Report: &r}}}
	t.Cleanup(func() { i18n.Use(i18n.New("en")) })
	script := regexp.MustCompile(`&lt;script&gt;[^\n]*?exe\.pdf`)
	var want []string
	for _, l := range []string{"en", "ko", "nl"} {
		i18n.Use(i18n.New(l))
		var b bytes.Buffer
		if err := render.RenderChecklistHTML(&b, cl); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		if !strings.Contains(out, `<html lang="`+l+`">`) {
			t.Errorf("%s: the HTML does not carry lang=%q", l, l)
		}
		for _, raw := range []string{"<script>", "<b onmouseover", "inv<i>", "pair<1>"} {
			if strings.Contains(out, raw) {
				t.Errorf("%s: %q reaches the HTML unescaped", l, raw)
			}
		}
		banner := map[string]string{"en": "FAIL: 1 of 1 pair would not pair", "ko": "실패 (FAIL): 1쌍 중 1쌍이 연결되지 않습니다", "nl": "MISLUKT (FAIL): bij 1 van 1 paar lukt het koppelen niet"}[l]
		if !strings.Contains(out, banner) {
			t.Errorf("%s: the HTML banner is not %q", l, banner)
		}
		assertInert(t, l+" html", out, false)
		got := escapedForms(script, out)
		if len(got) == 0 {
			t.Fatalf("%s: the finding's markup is not in the HTML", l)
		}
		if l == "en" {
			want = got
		} else if !slices.Equal(got, want) {
			t.Errorf("%s html: the value renders as %q, in English %q", l, got, want)
		}
	}

	// The checklist's Markdown and ticket summary carry their fixed words
	// in the run's language, and the names escaped as in English.
	words := map[string][]string{
		"en": {"# OME migration change-window checklist", "# Pair pair&lt;1>", "| pair | checked by | verdict |", "Fix first: [pair-ca-names]"},
		"ko": {"# OME 마이그레이션 변경 기간 체크리스트", "# 쌍 pair&lt;1>", "| 쌍 | 검사 방법 | 판정 |", "먼저 수정: [pair-ca-names]", "실패 (FAIL)"},
		"nl": {"# Checklist voor het wijzigingsvenster van de OME-migratie", "# Paar pair&lt;1>", "| paar | gecontroleerd met | oordeel |", "Eerst corrigeren: [pair-ca-names]", "MISLUKT (FAIL)"},
	}
	for _, l := range []string{"en", "ko", "nl"} {
		i18n.Use(i18n.New(l))
		var md, sum bytes.Buffer
		if err := render.RenderChecklistMarkdown(&md, cl); err != nil {
			t.Fatal(err)
		}
		if err := render.RenderChecklistTicket(&sum, cl); err != nil {
			t.Fatal(err)
		}
		out := md.String() + sum.String()
		for _, w := range words[l] {
			if !strings.Contains(out, w) {
				t.Errorf("%s: the checklist lacks %q:\n%s", l, w, out)
			}
		}
		assertInert(t, l+" checklist markdown", md.String(), true)
	}
}
