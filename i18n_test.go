package main

import (
	"encoding/json"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ome-preflight/ome-preflight/fixtures"
	"github.com/ome-preflight/ome-preflight/i18n"
	"github.com/ome-preflight/ome-preflight/pairing"
	"github.com/ome-preflight/ome-preflight/render"
	"github.com/ome-preflight/ome-preflight/report"
)

func TestMain(m *testing.M) {
	// The goldens are English: a developer's LANG must not change them.
	os.Setenv("OME_PREFLIGHT_LANG", "en")
	os.Exit(m.Run())
}

// TestJSONSameInEveryLanguage: --format json is byte-identical whatever
// --lang says, for every golden scenario.
func TestJSONSameInEveryLanguage(t *testing.T) {
	for _, s := range fixtures.Scenarios() {
		t.Run(s.Name, func(t *testing.T) {
			writeScenario(t, s)
			en := runCLI(t, append([]string{"--lang", "en"}, scenarioArgs(s, "json")...)...)
			if !strings.Contains(en.stdout, `"message_id"`) && strings.Contains(en.stdout, `"findings": [`+"\n") {
				t.Errorf("findings without message_id:\n%s", en.stdout)
			}
			for _, l := range []string{"ko", "nl"} {
				got := runCLI(t, append([]string{"--lang", l}, scenarioArgs(s, "json")...)...)
				// The run's own time is the real clock's: the one field
				// two runs may differ in.
				if runAt.ReplaceAllString(got.stdout, "") != runAt.ReplaceAllString(en.stdout, "") || got.code != en.code {
					t.Errorf("--lang %s: JSON or exit code differs from English (exit %d, %d)", l, got.code, en.code)
				}
			}
		})
	}
}

var runAt = regexp.MustCompile(`\n    "at": "[^"]*",\n    "inputs"`)

// TestLangFromEnvironment: LANG=ko_KR.UTF-8 picks Korean, C and POSIX are
// ignored, --lang wins over the environment.
func TestLangFromEnvironment(t *testing.T) {
	s := scenarioByName(t, "different-intermediates")
	writeScenario(t, s)
	t.Setenv("OME_PREFLIGHT_LANG", "")
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LANG", "ko_KR.UTF-8")
	if got := runCLI(t, scenarioArgs(s, "")...); !strings.Contains(got.stdout, "오류 (2)") {
		t.Errorf("LANG=ko_KR.UTF-8 did not pick Korean:\n%s", got.stdout)
	}
	if got := runCLI(t, append([]string{"--lang", "nl"}, scenarioArgs(s, "")...)...); !strings.Contains(got.stdout, "Fouten (2)") {
		t.Errorf("--lang nl did not win over LANG:\n%s", got.stdout)
	}
	t.Setenv("LC_ALL", "C")
	if got := runCLI(t, scenarioArgs(s, "")...); !strings.Contains(got.stdout, "오류 (2)") {
		t.Errorf("LC_ALL=C was not ignored:\n%s", got.stdout)
	}
	t.Setenv("LC_ALL", "nl_BE.UTF-8")
	if got := runCLI(t, scenarioArgs(s, "")...); !strings.Contains(got.stdout, "Fouten (2)") {
		t.Errorf("LC_ALL=nl_BE.UTF-8 did not win over LANG:\n%s", got.stdout)
	}
	if got := runCLI(t, append([]string{"--lang", "fr"}, scenarioArgs(s, "")...)...); got.code != 2 || !strings.Contains(got.stderr, "--lang") {
		t.Errorf("--lang fr: exit %d, %q; want a usage error", got.code, got.stderr)
	}
}

// TestLocalisedGoldens: the KB's invalid pair in Korean and Dutch, text and
// Markdown.
func TestLocalisedGoldens(t *testing.T) {
	s := scenarioByName(t, "different-intermediates")
	writeScenario(t, s)
	for _, l := range []string{"ko", "nl"} {
		for _, f := range []string{"text", "markdown"} {
			got := runCLI(t, append([]string{"--lang", l}, scenarioArgs(s, f)...)...)
			if got.code != 1 {
				t.Errorf("%s %s: exit %d, want 1", l, f, got.code)
			}
			out := ranAt.ReplaceAllString(got.stdout, "<ran>")
			golden(t, "i18n/"+l+"/different-intermediates."+map[string]string{"text": "txt", "markdown": "md"}[f], out)
		}
	}
}

// ranAt is the run's own time (the real clock).
var ranAt = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ`)

// TestRuleCatalogueEntries: the catalogue's rule entries are the rules'
// English texts, word for word.
func TestRuleCatalogueEntries(t *testing.T) {
	en := i18n.Messages("en")
	for _, r := range pairing.Catalogue() {
		if en["rule."+r.ID+".description"] != r.Description || en["rule."+r.ID+".fix"] != r.Fix {
			t.Errorf("rule %s: i18n/locales/en.json differs from the rule's description or fix", r.ID)
		}
	}
	for _, r := range pairing.Rules() {
		if c, ok := en["rule."+r.ID+".cause"]; c != r.Cause && (ok || r.Cause != "") {
			t.Errorf("rule %s: i18n/locales/en.json's cause %q, the rule's %q (explain's cause)", r.ID, c, r.Cause)
		}
	}
}

// TestManualCatalogueEntries: the catalogue's manual.ID.text and .why are
// the checklist's manual items' English, word for word (JSON keeps the
// English; the documents show the catalogue's), and Korean and Dutch have
// their own.
func TestManualCatalogueEntries(t *testing.T) {
	en, ko, nl := i18n.Messages("en"), i18n.Messages("ko"), i18n.Messages("nl")
	for _, m := range pairing.ManualChecks() {
		for part, want := range map[string]string{"text": m.Text, "why": m.Why} {
			id := "manual." + m.ID + "." + part
			if en[id] != want {
				t.Errorf("%s: i18n/locales/en.json has %q, the item %q", id, en[id], want)
			}
			if ko[id] == want || nl[id] == want {
				t.Errorf("%s: not translated", id)
			}
		}
	}
}

// TestPseudoLocale: with every catalogued string wrapped in ⟦…⟧, no
// catalogued English text appears unwrapped in any golden scenario's text
// or Markdown report, nor in the checklist (summary, Markdown and HTML) of
// an inventory holding every pair scenario, with a CSR and a template
// judged before issuing, and two live pairs of mock appliances on loopback
// (a string that bypasses the catalogue would, and so would a finding with
// no entry of its own: the pseudo-locale leaves finding.verbatim bare).
func TestPseudoLocale(t *testing.T) {
	testPrinter = i18n.Pseudo()
	t.Cleanup(func() { testPrinter = nil })
	probes := pseudoProbes(t)
	var pairs []string
	for _, s := range fixtures.Scenarios() {
		if s.Command == "compare" {
			pairs = append(pairs, s.Name)
		}
		t.Run(s.Name, func(t *testing.T) {
			writeScenario(t, s)
			for _, f := range []string{"text", "markdown"} {
				assertPseudo(t, f, runCLI(t, scenarioArgs(s, f)...).stdout, probes)
			}
		})
	}
	t.Run("checklist", func(t *testing.T) {
		pinClock(t, func() time.Time { return testBase })
		dir := t.TempDir()
		writeLab(t, dir, append(pairs, "csr-wildcard")...)
		tmpl, err := os.ReadFile(filepath.Join("testdata", "template", "webserver-default.txt"))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, "template.txt"), tmpl, 0o600)
		var inv strings.Builder
		inv.WriteString("template: template.txt\npairs:\n")
		for _, name := range pairs {
			s := scenarioByName(t, name)
			side := map[string]string{"--source-time": testAt, "--target-time": testAt, "--window": "0s"}
			args := s.ArgsAt(testBase)
			for i := 0; i+1 < len(args); i += 2 {
				side[args[i]] = args[i+1]
			}
			csr := ""
			if name == "good-pair" {
				csr = ", csr: csr-wildcard/appliance.csr"
			}
			fmt.Fprintf(&inv, "  - name: %s\n    window: %s\n    source: { chain: %s/%s, clock: %s%s }\n    target: { chain: %s/%s, clock: %s }\n",
				name, side["--window"], name, s.Positional[0], side["--source-time"], csr, name, s.Positional[1], side["--target-time"])
		}
		// Live pairs: a target serving only its leaf, an appliance not
		// reached (the observed, handshake and not-reached sections).
		frozen := func() time.Time { return testBase }
		src := startMock(t, filepath.Join(dir, "good-pair"), "source", "127.0.0.1:0", frozen, nil)
		defer src.Close()
		tgt := startMock(t, filepath.Join(dir, "good-pair"), "target", "127.0.0.2:0", frozen, func(o *fixtures.MockOptions) { o.LeafOnly = true })
		defer tgt.Close()
		fmt.Fprintf(&inv, "  - name: live-leaf-only\n    window: 1h\n    source: { address: %q, chain: good-pair/source.pem }\n    target: { address: %q, chain: good-pair/target.pem }\n", src.Addr, tgt.Addr)
		fmt.Fprintf(&inv, "  - name: live-unreachable\n    window: 1h\n    source: { address: %q }\n    target: { address: %q, chain: good-pair/source.pem }\n", refusedAddr(t), src.Addr)
		os.WriteFile(filepath.Join(dir, "inventory.yaml"), []byte(inv.String()), 0o600)
		t.Chdir(dir)
		res := runCLI(t, "checklist", "--timeout", "2s", "--out", "out", "--client-cert", "good-pair/standin.pem", "--client-key", "good-pair/standin.key", "inventory.yaml")
		if res.code != 1 {
			t.Fatalf("checklist: exit %d, want 1\n%s", res.code, res.stderr)
		}
		assertPseudo(t, "checklist summary", res.stdout, probes)
		for _, f := range []string{"checklist.md", "checklist.html"} {
			b, err := os.ReadFile(filepath.Join("out", f))
			if err != nil {
				t.Fatal(err)
			}
			assertPseudo(t, f, string(b), probes)
		}
	})
}

// pseudoProbes are the catalogue's English texts, cut at their verbs, of
// 12 characters and more: what a string that bypasses the catalogue shows.
func pseudoProbes(t *testing.T) []string {
	verb := regexp.MustCompile(`%(\[\d+\])?[sdq]`)
	var probes []string
	for id, en := range i18n.Messages("en") {
		if strings.HasPrefix(id, "finding.") || strings.HasPrefix(id, "count.") || strings.HasPrefix(id, "help.") {
			continue
		}
		for _, part := range verb.Split(en, -1) {
			if part = strings.TrimSpace(part); len(part) >= 12 {
				probes = append(probes, part)
			}
		}
	}
	if len(probes) < 50 {
		t.Fatalf("only %d probes", len(probes))
	}
	return probes
}

// pseudoWrapped is a wrapped text, or one a summary cut short ("...").
var pseudoWrapped = regexp.MustCompile(`⟦[^⟦⟧]*⟧|⟦[^⟦⟧\n]*\.\.\.`)

// assertPseudo fails when out (a report; HTML is read as its text, with
// its entities decoded) holds a probe outside ⟦…⟧, or nothing wrapped.
func assertPseudo(t *testing.T, what, out string, probes []string) {
	t.Helper()
	if !strings.Contains(out, "⟦") {
		t.Fatalf("%s: nothing went through the catalogue", what)
	}
	bare := html.UnescapeString(out)
	for pseudoWrapped.MatchString(bare) {
		bare = pseudoWrapped.ReplaceAllString(bare, "")
	}
	for _, p := range probes {
		if strings.Contains(bare, p) {
			t.Errorf("%s: %q appears outside the catalogue", what, p)
		}
	}
}

// TestLocalisedLeafOnlyProbe: a live pair whose target serves only its
// leaf (the KB's "uploaded as a single certificate"), probed in Korean and
// Dutch, text and Markdown; the exit code is the English one.
func TestLocalisedLeafOnlyProbe(t *testing.T) {
	noLeaks(t)
	now := frozenClock(t)
	dir := pairLab(t, "good-pair")
	src := startMock(t, dir, "source", "127.0.0.1:0", now, nil)
	defer src.Close()
	tgt := startMock(t, dir, "target", "127.0.0.2:0", now, func(o *fixtures.MockOptions) { o.LeafOnly = true })
	defer tgt.Close()
	t.Setenv("OME_PASSWORD", "pw")
	args := []string{"probe", "--no-color", "--timeout", "5s", "--source", src.Addr, "--target", tgt.Addr, "--user", "admin", "--ca", "source.pem"}
	en := runCLI(t, append(args, "--lang", "en")...)
	if en.code != 1 || !strings.Contains(en.stdout, "live-leaf-only") {
		t.Fatalf("en: exit %d, want 1 with live-leaf-only:\n%s%s", en.code, en.stdout, en.stderr)
	}
	for _, l := range []string{"ko", "nl"} {
		for _, f := range []string{"text", "markdown"} {
			got := runCLI(t, append(args, "--lang", l, "--format", f)...)
			if got.code != en.code {
				t.Errorf("%s %s: exit %d, English %d", l, f, got.code, en.code)
			}
			evidenceGolden(t, "i18n/"+l+"/leaf-only-probe."+map[string]string{"text": "txt", "markdown": "md"}[f], ranAt.ReplaceAllString(got.stdout, "<ran>"))
		}
	}
	// --save-chains says what it saved on stderr in the run's language;
	// the leaf-only target's chain is not OME-ready.
	for l, want := range map[string][]string{"en": {"saved the target", "not OME-ready"}, "ko": {"인증서 체인을", "저장했습니다", "OME에 바로 쓸 수 없음"}, "nl": {"opgeslagen in", "niet klaar voor OME"}} {
		got := runCLI(t, append(args, "--lang", l, "--save-chains", t.TempDir())...)
		for _, w := range want {
			if !strings.Contains(got.stderr, w) {
				t.Errorf("%s --save-chains: no %q in\n%s", l, w, got.stderr)
			}
		}
		if l != "en" && strings.Contains(got.stderr, "saved the") {
			t.Errorf("%s --save-chains: English on stderr:\n%s", l, got.stderr)
		}
	}
}

// TestLocalisedExplain: explain's text and Markdown go through the
// catalogue (labels, causes, fixes, the hints after a rule's fix), with the
// exit code and JSON of English, and OME's own texts (MessageIds,
// MessageArgs, quoted messages) verbatim.
func TestLocalisedExplain(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "application.log")
	os.WriteFile(log, []byte(fixtures.KBLog+
		`[ERROR] 2024-01-25 11:14:00.000 [x] TemplateController - baselines(): {"error":{"@Message.ExtendedInfo":[{"MessageId":"CGEN1008","MessageArgs":[]}]}}`+"\n"+
		`[ERROR] 2024-01-25 11:15:00.000 [x] AuthController - login(): {"error":{"@Message.ExtendedInfo":[{"MessageId":"CGEN1001","MessageArgs":[]}]}}`+"\n"+
		`[ERROR] 2024-01-25 11:16:00.000 [x] MigrationController - validate(): Unable to mutually authenticate and connect to the remote appliance. Please check the source and target appliances has valid certificate chain uploaded which are signed by the same CA.`+"\n"), 0o600)
	en := runCLI(t, "explain", log)
	enJSON := runCLI(t, "explain", "--format", "json", log)
	for _, l := range []string{"ko", "nl"} {
		got := runCLI(t, "explain", "--lang", l, log)
		if got.code != en.code {
			t.Errorf("%s: exit %d, English %d", l, got.code, en.code)
		}
		for _, line := range strings.Split(en.stdout, "\n") {
			for _, label := range []string{"  cause: ", "  fix:   "} {
				if english, ok := strings.CutPrefix(line, label); ok && strings.Contains(got.stdout, english) {
					t.Errorf("%s: %q left in English", l, english)
				}
			}
		}
		for _, verbatim := range []string{`CGEN1008 ["Invalid CSR key."]`, "CSEC9002", `XYZ1234 ["what"]`, `"Unable to process the request because an error occurred."`} {
			if !strings.Contains(got.stdout, verbatim) {
				t.Errorf("%s: OME's %s not verbatim:\n%s", l, verbatim, got.stdout)
			}
		}
		if j := runCLI(t, "explain", "--lang", l, "--format", "json", log); j.stdout != enJSON.stdout {
			t.Errorf("%s: JSON differs from English", l)
		}
	}
	testPrinter = i18n.Pseudo()
	t.Cleanup(func() { testPrinter = nil })
	probes := pseudoProbes(t)
	for _, f := range []string{"text", "markdown"} {
		assertPseudo(t, "explain "+f, runCLI(t, "explain", "--format", f, log).stdout, probes)
	}
}

// TestLocalisedTemplateAndCSR: template and csr reports in Korean and
// Dutch: the AD CS console steps of the fixes and the facts' labels go
// through the catalogue (a pseudo-locale run shows no bypassing string),
// the certreq command stays as it is, exit code and JSON are English's.
func TestLocalisedTemplateAndCSR(t *testing.T) {
	tmpl, err := os.ReadFile(filepath.Join("testdata", "template", "webserver-default.txt"))
	if err != nil {
		t.Fatal(err)
	}
	writeScenario(t, scenarioByName(t, "csr-wildcard"))
	os.WriteFile("template.txt", tmpl, 0o600)
	runs := [][]string{{"template", "--at", testAt, "template.txt"}, {"csr", "appliance.csr"}}
	for _, args := range runs {
		en := runCLI(t, args...)
		enJSON := runCLI(t, append(args, "--format", "json")...)
		for _, l := range []string{"ko", "nl"} {
			got := runCLI(t, append(args, "--lang", l)...)
			if got.code != en.code {
				t.Errorf("%s %s: exit %d, English %d", l, args[0], got.code, en.code)
			}
			if args[0] == "template" && !strings.Contains(got.stdout, `certreq -submit -attrib "CertificateTemplate:WebServerOME" appliance.csr appliance.cer`) {
				t.Errorf("%s: the certreq command changed:\n%s", l, got.stdout)
			}
			if j := runCLI(t, append(args, "--lang", l, "--format", "json")...); runAt.ReplaceAllString(j.stdout, "") != runAt.ReplaceAllString(enJSON.stdout, "") {
				t.Errorf("%s %s: JSON differs from English", l, args[0])
			}
		}
	}
	testPrinter = i18n.Pseudo()
	t.Cleanup(func() { testPrinter = nil })
	probes := pseudoProbes(t)
	for _, args := range runs {
		for _, f := range []string{"text", "markdown"} {
			assertPseudo(t, args[0]+" "+f, runCLI(t, append(args, "--format", f)...).stdout, probes)
		}
	}
}

// TestLocalisedRulesAndStandin: rules (the list, one rule, the Markdown
// table) and standin's report go through the catalogue; JSON is English's.
func TestLocalisedRulesAndStandin(t *testing.T) {
	t.Chdir(t.TempDir())
	for _, args := range [][]string{{"rules"}, {"rules", "leaf-eku"}} {
		en := runCLI(t, append(args, "--format", "json")...)
		for _, l := range []string{"ko", "nl"} {
			if got := runCLI(t, append(args, "--lang", l, "--format", "json")...); got.stdout != en.stdout || got.code != en.code {
				t.Errorf("%s %v: JSON or exit code differs from English", l, args)
			}
		}
	}
	testPrinter = i18n.Pseudo()
	t.Cleanup(func() { testPrinter = nil })
	probes := pseudoProbes(t)
	for i, args := range [][]string{{"rules"}, {"rules", "leaf-eku"}, {"rules", "--format", "markdown"}, {"standin", "--out", "a"}, {"standin", "--out", "b", "--format", "markdown"}} {
		res := runCLI(t, args...)
		if res.code != 0 {
			t.Fatalf("%v: exit %d: %s", args, res.code, res.stderr)
		}
		// A rule's citation and what it models name their sources in
		// English (Dell's and the stacks' own words): not checked here.
		out := res.stdout
		var listed report.RulesReport
		if err := json.Unmarshal([]byte(runCLI(t, "rules", "--format", "json").stdout), &listed); err != nil {
			t.Fatal(err)
		}
		var cited []string
		for _, r := range listed.Rules {
			cited = append(cited, r.Reference, r.Models)
		}
		// Longest first: one rule's citation may begin another's.
		sort.Slice(cited, func(i, j int) bool { return len(cited[i]) > len(cited[j]) })
		for _, c := range cited {
			out = strings.ReplaceAll(strings.ReplaceAll(out, render.MarkdownEscape(c), ""), c, "")
		}
		assertPseudo(t, fmt.Sprint(i, args), out, probes)
	}
}

// TestLocalisedAssemble: assemble's account of what it changed and wrote
// (stderr) goes through the catalogue; its JSON is English's.
func TestLocalisedAssemble(t *testing.T) {
	s := scenarioByName(t, "pkcs7-root-first")
	writeScenario(t, s)
	in := s.Positional[0]
	en := runCLI(t, "assemble", "--format", "json", in)
	for _, l := range []string{"ko", "nl"} {
		if got := runCLI(t, "assemble", "--lang", l, "--format", "json", in); got.stdout != en.stdout || got.code != en.code {
			t.Errorf("%s: JSON or exit code differs from English", l)
		}
	}
	testPrinter = i18n.Pseudo()
	t.Cleanup(func() { testPrinter = nil })
	res := runCLI(t, "assemble", "-o", "out.pem", in)
	if res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	assertPseudo(t, "assemble", res.stderr, pseudoProbes(t))
}
