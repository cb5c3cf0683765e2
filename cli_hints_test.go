package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A mistyped flag is answered with the nearest flag of that command (or of
// the app, before the command), as a mistyped command is; a word that is
// near no flag gets no guess.
func TestMistypedFlagSuggests(t *testing.T) {
	for _, tc := range []struct {
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
	} {
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
	for _, tc := range []struct{ name, yaml, want, hint string }{
		{"pair key", "pairs:\n  - name: a\n    sorce: {chain: good-pair/source.pem}\n    target: {chain: good-pair/target.pem}\n",
			`line 3: unknown key "sorce" in a pair (did you mean "source"?); its keys are name, window, source, target`, "an inventory is"},
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
	} {
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
