package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ome-preflight/ome-preflight/fixtures"
	"github.com/ome-preflight/ome-preflight/report"
)

// A mistyped flag is answered with the nearest flag of that command (or of
// the app, before the command), as a mistyped command is; a word that is
// near no flag gets no guess.
func TestMistypedFlagSuggests(t *testing.T) {
	for _, tc := range mistypedFlagCases {
		res := runCLI(t, tc.args...)
		if res.code != 2 || !strings.Contains(res.stderr, "error: unknown flag") {
			t.Errorf("%v: exit %d, stderr %q; want 2 and the unknown flag named", tc.args, res.code, res.stderr)
			continue
		}
		switch {
		case tc.want != "" && !strings.Contains(res.stderr, "hint: "+tc.want):
			t.Errorf("%v: stderr %q; want the hint %q", tc.args, res.stderr, tc.want)
		case tc.want == "" && strings.Contains(res.stderr, "did you mean"):
			t.Errorf("%v: stderr %q; want no guess", tc.args, res.stderr)
		case !strings.Contains(res.stderr, "--help'"):
			t.Errorf("%v: stderr %q; want the help command named", tc.args, res.stderr)
		}
	}
	// A subcommand's help is named in full.
	if res := runCLI(t, "fixtures", "write", "--zzz", "lab"); !strings.Contains(res.stderr, "ome-preflight fixtures write --help") {
		t.Errorf("fixtures write: %q", res.stderr)
	}
}

// mistypedFlagCases are flags no command has, and the suggestion.
var mistypedFlagCases = []struct {
	args []string
	want string // the hint's suggestion; "" for none
}{
	{[]string{"check", "--fromat", "json", "x.pem"}, "did you mean --format?"},
	{[]string{"check", "x.pem", "--formt=json"}, "did you mean --format?"},
	{[]string{"check", "--csrr", "a.csr", "x.pem"}, "did you mean --csr?"},
	{[]string{"probe", "--source-chian", "s.pem"}, "did you mean --source-chain?"},
	{[]string{"probe", "--targ", "h"}, "did you mean --target?"},
	{[]string{"assemble", "--froce", "x.pem"}, "did you mean --force?"},
	{[]string{"--no-colr", "check", "x.pem"}, "did you mean --no-color?"},
	{[]string{"check", "--no-colour", "x.pem"}, "did you mean --no-color?"},
	{[]string{"fixtures", "write", "--froce", "lab"}, "did you mean --force?"},
	{[]string{"check", "--zzz", "x.pem"}, ""},
	{[]string{"check", "-o", "x.pem"}, ""},
	// a flag of another command is not a typo of this one
	{[]string{"check", "--source-chain", "s.pem", "x.pem"}, ""},
}

// An address pasted from the browser is read as HOST[:PORT]; another scheme
// or a user in the address is refused with what to give instead.
func TestApplianceAddress(t *testing.T) {
	for in, want := range map[string]string{
		"ome.example.com":                   "ome.example.com",
		" 10.0.0.5:8443 ":                   "10.0.0.5:8443",
		"https://ome.example.com":           "ome.example.com",
		"https://ome.example.com:443/":      "ome.example.com:443",
		"HTTPS://ome.example.com/ui/#/home": "ome.example.com",
		"https://[fd00::5]:443/api?x=1":     "[fd00::5]:443",
		"https://ome.example.com#frag":      "ome.example.com",
	} {
		got, err := applianceAddress(in)
		if err != nil || got != want {
			t.Errorf("applianceAddress(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for in, want := range map[string]string{
		"http://ome.example.com":     "http:// is not how OME is reached",
		"ftp://ome.example.com":      "ftp:// is not how OME is reached",
		"https://admin@ome.example/": "a user name goes in --user",
		"https://":                   "empty address",
		"https://host:99999/":        `bad port "99999"`,
		"https://fd00::5::1/":        "IPv6 literals go in brackets",
	} {
		_, err := applianceAddress(in)
		if err == nil || !strings.Contains(err.Error(), want) || len(hintsFor(err)) == 0 {
			t.Errorf("applianceAddress(%q): %v (hints %q); want %q and a hint", in, err, hintsFor(err), want)
		}
	}
	// probe reads it so (the refusal comes before any dial).
	res := runCLI(t, "probe", "--source", "http://127.0.0.1:1", "--target", "127.0.0.1:2")
	if res.code != 2 || !strings.Contains(res.stderr, "http:// is not how OME is reached") || !strings.Contains(res.stderr, "hint: OME's web server and API are HTTPS") {
		t.Errorf("probe http://: exit %d %q", res.code, res.stderr)
	}
}

// An inventory's mistyped key is named with its line and the key meant;
// a tab in the indentation is said as such, with its line.
func TestInventoryTyposAndTabs(t *testing.T) {
	dir := t.TempDir()
	writeLab(t, dir, "good-pair")
	inv := filepath.Join(dir, "inventory.yaml")
	for _, tc := range inventoryTypoCases {
		t.Run(tc.name, func(t *testing.T) {
			os.WriteFile(inv, []byte(tc.yaml), 0o600)
			res := runCLI(t, "checklist", "--out", filepath.Join(t.TempDir(), "out"), inv)
			if res.code != 2 || !strings.Contains(res.stderr, inv+": "+tc.want) || !strings.Contains(res.stderr, "hint: "+tc.hint) {
				t.Errorf("exit %d, stderr %s\nwant %q and the hint %q", res.code, res.stderr, tc.want, tc.hint)
			}
			if strings.Contains(res.stderr, "main.") || strings.Contains(res.stderr, "cannot start any token") {
				t.Errorf("Go or parser words: %s", res.stderr)
			}
		})
	}
	// An https:// address is kept as HOST[:PORT].
	os.WriteFile(inv, []byte("pairs:\n  - name: a\n    source: {address: 'https://ome1.example.com:443/ui/'}\n    target: {chain: good-pair/target.pem}\n"), 0o600)
	in, err := LoadInventory(inv)
	if err != nil || in.Pairs[0].Source.Address != "ome1.example.com:443" {
		t.Errorf("https address: %v %+v", err, in)
	}
}

// inventoryTypoCases are inventories (next to the lab's good-pair) with a
// mistyped key, a tab or a refused address.
var inventoryTypoCases = []struct{ name, yaml, want, hint string }{
	{"pair key", "pairs:\n  - name: a\n    sorce: {chain: good-pair/source.pem}\n    target: {chain: good-pair/target.pem}\n",
		`line 3: unknown key "sorce" in a pair (did you mean "source"?); its keys are name, window, template, source, target`, "an inventory is"},
	{"side key", "pairs:\n  - name: a\n    source:\n      chian: good-pair/source.pem\n    target: {chain: good-pair/target.pem}\n",
		`line 4: unknown key "chian" in a side (source or target) (did you mean "chain"?); its keys are address, chain, csr, clock, fingerprint, name, user, password_env`, "an inventory is"},
	{"top key", "pair:\n  - name: a\n", `line 1: unknown key "pair" in the inventory (did you mean "pairs"?)`, "an inventory is"},
	{"far from any key", "pairs:\n  - name: a\n    zzzzzz: 1\n", `line 3: unknown key "zzzzzz" in a pair; its keys are`, "an inventory is"},
	{"tab", "pairs:\n  - name: a\n    source:\n\tchain: good-pair/source.pem\n    target: {chain: good-pair/target.pem}\n",
		"line 4: a tab in the indentation: YAML indents with spaces only", "replace the tabs"},
	{"tab after spaces", "pairs:\n  - name: a\n  \t  source: {chain: good-pair/source.pem}\n",
		"line 3: a tab in the indentation", "replace the tabs"},
	{"address from the browser, http", "pairs:\n  - name: a\n    source: {address: 'http://ome1.example.com/'}\n    target: {chain: good-pair/target.pem}\n",
		`pair "a": source address: bad address "http://ome1.example.com/": http:// is not how OME is reached`, "OME's web server and API are HTTPS"},
}

// check --csr chain.pem appliance.csr: the two files swapped are named as
// such, with the command line the other way round; either file alone in
// its right place is not flagged.
func TestCheckCSRSwapped(t *testing.T) {
	dir := t.TempDir()
	writeLab(t, dir, "csr-match")
	t.Chdir(filepath.Join(dir, "csr-match"))
	res := runCLI(t, "check", "--at", testAt, "--csr", "chain.pem", "appliance.csr")
	if res.code != 2 || !strings.Contains(res.stderr, "error: appliance.csr is a certificate signing request and --csr chain.pem holds certificates: the two look swapped") ||
		!strings.Contains(res.stderr, "hint: run: ome-preflight check --csr appliance.csr chain.pem") || res.stdout != "" {
		t.Errorf("swapped: exit %d\nstderr %s\nstdout %.200s", res.code, res.stderr, res.stdout)
	}
	if res := runCLI(t, "check", "--at", testAt, "--csr", "appliance.csr", "chain.pem"); res.code != 0 {
		t.Errorf("the right way round: exit %d %s", res.code, res.stderr)
	}
	// A CSR given alone is still the CSEC9002 report, not a swap.
	if res := runCLI(t, "check", "--at", testAt, "appliance.csr"); res.code != 1 || strings.Contains(res.stderr, "swapped") {
		t.Errorf("CSR alone: exit %d %s", res.code, res.stderr)
	}
	// Both CSRs: not a swap either.
	if res := runCLI(t, "check", "--at", testAt, "--csr", "appliance.csr", "appliance.csr"); res.code != 1 || strings.Contains(res.stderr, "swapped") {
		t.Errorf("two CSRs: exit %d %s", res.code, res.stderr)
	}
}

// Help never says flags must come before files (they may come after), and
// a flag after the files works for every command that takes files.
func TestHelpFlagsAfterFiles(t *testing.T) {
	for _, cmd := range []string{"", "check", "compare", "probe", "assemble", "explain", "checklist", "mock", "rules", "fixtures"} {
		args := []string{"--help"}
		if cmd != "" {
			args = []string{cmd, "--help"}
		}
		res := runCLI(t, args...)
		low := strings.ToLower(res.stdout)
		if res.code != 0 || strings.Contains(low, "go before") || strings.Contains(low, "flags before") {
			t.Errorf("%s --help: exit %d; says flags go before files:\n%s", cmd, res.code, res.stdout)
		}
	}
	dir := t.TempDir()
	writeLab(t, dir, "wrong-order")
	t.Chdir(dir)
	os.WriteFile("application.log", []byte("2026-11-23 09:00:00 ERROR CGEN1008 Invalid certificate chain provided.\n"), 0o600)
	if res := runCLI(t, "assemble", "wrong-order/chain.pem", "-o", "ordered.pem"); res.code != 0 {
		t.Errorf("assemble FILE -o: exit %d %s", res.code, res.stderr)
	} else if res := runCLI(t, "check", "ordered.pem", "--at", testAt); res.code != 0 {
		t.Errorf("the assembled chain: exit %d %s %s", res.code, res.stderr, res.stdout)
	}
	if res := runCLI(t, "explain", "application.log", "--format", "json"); !strings.HasPrefix(res.stdout, "{") {
		t.Errorf("explain FILE --format json: exit %d %s %.100s", res.code, res.stderr, res.stdout)
	}
}

// Every probe --help example that gives --user also pins each appliance
// (a chain file or a fingerprint per side, or --insecure): credentials go
// only to a pinned appliance, and --ca alone pins nothing.
func TestProbeHelpExamplesCanSendCredentials(t *testing.T) {
	res := runCLI(t, "probe", "--help")
	n := 0
	for _, line := range strings.Split(res.stdout, "\n") {
		if !strings.Contains(line, "ome-preflight probe ") || !strings.Contains(line, "--user") {
			continue
		}
		n++
		f := strings.Fields(line)
		has := func(flag string) bool { return slices.Contains(f, flag) }
		for _, side := range []string{"source", "target"} {
			if !has("--insecure") && !has("--"+side+"-chain") && !has("--"+side+"-fingerprint") {
				t.Errorf("example never sends credentials to the %s: %s", side, strings.TrimSpace(line))
			}
		}
	}
	if n < 2 {
		t.Errorf("%d examples with --user in probe --help", n)
	}
}

// The README's description of the Markdown checklist names every line
// mark the Markdown uses: ticked, failed and not checked.
func TestReadmeMarkdownMarks(t *testing.T) {
	dir := t.TempDir()
	writeLab(t, dir, "missing-root")
	t.Chdir(filepath.Join(dir, "missing-root"))
	res := runCLI(t, "check", "--at", testAt, "--format", "markdown", "chain.pem")
	marks := map[string]bool{}
	for _, line := range strings.Split(res.stdout, "\n") {
		for _, m := range []string{"- [x]", "- [ ]", "- (not checked)"} {
			if strings.HasPrefix(line, m) {
				marks[m] = true
			}
		}
	}
	if len(marks) != 3 {
		t.Fatalf("the Markdown shows %v; want all three marks\n%s", marks, res.stdout)
	}
	b, err := os.ReadFile(filepath.Join(repoRoot(), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	readme := strings.Join(strings.Fields(string(b)), " ")
	for m := range marks {
		if !strings.Contains(readme, "`"+m+"` per requirement") {
			t.Errorf("README does not say what `%s` means", m)
		}
	}
	if strings.Contains(readme, "`- [ ]` per requirement failed or not checked") {
		t.Error("README still says not-checked lines are - [ ]")
	}
}

// Every error ends with at least one hint line saying what to do.
func TestEveryErrorHasAHint(t *testing.T) {
	for _, args := range errorLab(t) {
		res := runCLI(t, args...)
		if !strings.Contains(res.stderr, "error: ") {
			t.Errorf("%v: no error (exit %d): %q", args, res.code, res.stderr)
			continue
		}
		lines := strings.Split(strings.TrimSpace(res.stderr), "\n")
		if !strings.HasPrefix(lines[len(lines)-1], "ome-preflight: hint: ") {
			t.Errorf("%v: the error has no hint:\n%s", args, res.stderr)
		}
	}
}

// errorLab makes a lab (good-chain, csr-match, a leaf alone, a broken
// inventory) the working directory and returns command lines that each
// end in an error.
func errorLab(t *testing.T) [][]string {
	dir := t.TempDir()
	writeLab(t, dir, "good-chain", "csr-match")
	t.Chdir(dir)
	// The leaf alone, for assemble.
	b, _ := os.ReadFile("good-chain/chain.pem")
	leaf, _, _ := strings.Cut(string(b), "-----END CERTIFICATE-----")
	os.WriteFile("leaf.pem", []byte(leaf+"-----END CERTIFICATE-----\n"), 0o600)
	os.WriteFile("bad.yaml", []byte("pairs: [\n"), 0o600)
	return [][]string{
		{"assemble", "leaf.pem"},
		{"assemble"},
		{"assemble", "-o", "good-chain/chain.pem", "good-chain/chain.pem"},
		{"check"},
		{"check", "--mode", "x", "good-chain/chain.pem"},
		{"check", "--csr", "good-chain/chain.pem", "csr-match/appliance.csr"},
		{"check", "--csr", "good-chain/chain.pem", "good-chain/chain.pem"},
		{"check", "nowhere.pem"},
		{"check", "--ca", "csr-match/appliance.csr", "good-chain/chain.pem"},
		{"check", "--at", "tomorrow", "good-chain/chain.pem"},
		{"compare", "good-chain/chain.pem"},
		{"probe"},
		{"probe", "--source", "ftp://x", "--target", "y"},
		{"probe", "--source", "127.0.0.1:1", "--target", "127.0.0.1:2", "--timeout", "0s"},
		{"checklist", "bad.yaml"},
		{"checklist", "nowhere.yaml"},
		{"explain", "nowhere.log"},
		{"--log-level", "loud", "rules"},
		{"rules", "--format", "yaml"},
		{"check", "--fromat", "json"},
		{"chekc"},
		{"mock", "--chain", "nowhere.pem"},
	}
}

// Against two mocks on loopback: appliances given the other way round
// (the source reports OME 4.0.1, the target 3.10.2) are asked about; a
// passing handshake answered 401 without --user says why; an appliance
// that serves only its leaf, whose chain file was given, is told to upload
// its full chain, not to give the file again.
func TestProbeHintsLive(t *testing.T) {
	now := labClock(t)
	dir := pairLab(t, "good-pair")
	src := startMock(t, dir, "source", "127.0.0.1:0", now, func(o *fixtures.MockOptions) { o.Version = "4.0.1" })
	defer src.Close()
	tgt := startMock(t, dir, "target", "127.0.0.1:0", now, func(o *fixtures.MockOptions) { o.Version = "3.10.2" })
	defer tgt.Close()
	chains := []string{"--source-chain", "source.pem", "--target-chain", "target.pem", "--client-cert", "standin.pem", "--client-key", "standin.key"}
	r := probeReport(t, 0, probeArgs("https://"+src.Addr+"/", tgt.Addr, append([]string{"--user", "admin"}, chains...)...)...)
	n := 0
	for _, f := range r.Findings {
		if f.Rule == "api-version" {
			n++
			if !strings.Contains(f.Fix, "Did you swap --source and --target? "+tgt.Addr+" (OME 3.10.2) is the 3.10.x appliance") {
				t.Errorf("api-version %s: fix %q", f.Side, f.Fix)
			}
		}
	}
	if n != 2 || r.Source.Address != src.Addr {
		t.Errorf("%d api-version findings, source address %q", n, r.Source.Address)
	}
	r = probeReport(t, 0, probeArgs(src.Addr, tgt.Addr, chains...)...)
	for _, sd := range []*report.Appliance{r.Source, r.Target} {
		h := sd.Observed.Handshakes[len(sd.Observed.Handshakes)-1]
		if h.Kind != report.KindMutual || !h.OK || h.HTTPStatus != 401 || !strings.Contains(h.HTTPNote, "no --user was given") {
			t.Errorf("%s: %+v", sd.Address, h)
		}
	}
	text := runCLI(t, append([]string{"--no-color", "probe", "--source", src.Addr, "--target", tgt.Addr}, chains...)...)
	if !strings.Contains(text.stdout, "HTTP 401 (no credentials were sent, as no --user was given: the API's expected answer; the handshake itself passed)") {
		t.Errorf("text: %s", text.stdout)
	}

	leaf := startMock(t, dir, "source", "127.0.0.1:0", now, func(o *fixtures.MockOptions) { o.LeafOnly, o.Version = true, "3.10.2" })
	defer leaf.Close()
	r = probeReport(t, 1, probeArgs(leaf.Addr, tgt.Addr, append([]string{"--user", "admin"}, chains...)...)...)
	var access, complete *report.Finding
	for i, f := range r.Findings {
		if f.Side == report.SideSource && f.Rule == "api-access" {
			access = &r.Findings[i]
		}
		if f.Side == report.SideSource && f.Rule == "chain-complete" {
			complete = &r.Findings[i]
		}
	}
	if access == nil || strings.Contains(access.Fix, "Give --source-chain") || !strings.Contains(access.Fix, "needs its full chain uploaded") {
		t.Errorf("api-access: %+v", access)
	}
	if complete == nil || strings.Contains(complete.Fix, "to the file") || !strings.Contains(complete.Fix, "Upload the full chain to the appliance") {
		t.Errorf("chain-complete: %+v", complete)
	}
}
