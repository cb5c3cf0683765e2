package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ome-preflight/ome-preflight/chain"
	"github.com/ome-preflight/ome-preflight/fixtures"
	"github.com/ome-preflight/ome-preflight/i18n"
)

// TestErrorsLocalised runs every command line of the bad-input and hint
// tests (TestBadInputs, TestUnknownCommandExit2, TestMistypedFlagSuggests,
// TestInventoryTyposAndTabs, TestEveryErrorHasAHint, and the swapped CSR
// and http:// address) with --lang en, ko and nl. The English stderr is
// the golden errors/stderr.en.txt, written before the errors and hints were
// catalogued: English did not move by a byte. In Korean and Dutch every
// hint line differs from the English one, every error line too (but for
// the few listed in untranslatedErrors), the prefixes stay English, and
// stdout and the exit code are the English run's.
func TestErrorsLocalised(t *testing.T) {
	var en strings.Builder
	check := func(t *testing.T, label string, run func(extra ...string) result) {
		t.Helper()
		base := run("--lang", "en")
		if base.code != 2 {
			return // a report, not an error
		}
		en.WriteString("$ " + label + "\n" + base.stderr + "\n")
		for _, l := range []string{"ko", "nl"} {
			got := run("--lang", l)
			if got.code != base.code || got.stdout != base.stdout {
				t.Errorf("%s --lang %s: exit %d, stdout %q; English: exit %d, stdout %q", label, l, got.code, got.stdout, base.code, base.stdout)
			}
			want, have := strings.Split(base.stderr, "\n"), strings.Split(got.stderr, "\n")
			if len(want) != len(have) {
				t.Errorf("%s --lang %s: %d lines, English %d:\n%s\n%s", label, l, len(have), len(want), got.stderr, base.stderr)
				continue
			}
			for i, w := range want {
				h := have[i]
				prefix := ""
				for _, p := range []string{"ome-preflight: error: ", "ome-preflight: hint: ", "ome-preflight:   "} {
					if strings.HasPrefix(w, p) {
						prefix = p
					}
				}
				switch {
				case prefix == "":
					if h != w {
						t.Errorf("%s --lang %s: line %q, English %q", label, l, h, w)
					}
				case !strings.HasPrefix(h, prefix):
					t.Errorf("%s --lang %s: %q does not start with %q", label, l, h, prefix)
				case prefix == "ome-preflight: hint: " && h == w:
					t.Errorf("%s --lang %s: hint not translated: %q", label, l, h)
				case prefix == "ome-preflight: error: " && h == w && !slices.Contains(untranslatedErrors, label):
					t.Errorf("%s --lang %s: error not translated: %q", label, l, h)
				case prefix == "ome-preflight: error: " && h != w && slices.Contains(untranslatedErrors, label):
					t.Errorf("%s --lang %s: listed as untranslated, but is: %q", label, l, h)
				}
			}
		}
	}
	t.Run("bad inputs", func(t *testing.T) {
		for _, c := range badInputCases(t) {
			check(t, c.name, func(extra ...string) result { return runBadInput(t, c, extra...) })
		}
	})
	t.Run("lab", func(t *testing.T) {
		lines := errorLab(t)
		for _, tc := range unknownCommandCases {
			lines = append(lines, tc.args)
		}
		for _, tc := range mistypedFlagCases {
			lines = append(lines, tc.args)
		}
		lines = append(lines, []string{"fixtures", "write", "--zzz", "lab"},
			[]string{"probe", "--source", "http://127.0.0.1:1", "--target", "127.0.0.1:2"},
			[]string{"compare", "--window", "2x", "good-chain/chain.pem", "good-chain/chain.pem"},
			[]string{"check", "--format"},
			[]string{"check", "--format", "yaml", "good-chain/chain.pem"},
			[]string{"check", "adir"},
		)
		os.Mkdir("adir", 0o755)
		// A PKCS#12 file with a password, none in the environment and no
		// terminal to ask on.
		p := fixtures.MustBuild(testBase, fixtures.Spec{ID: "root", CN: "Root-CA", CA: true}, fixtures.Spec{ID: "leaf", CN: "OMENT-310", Issuer: "root"})
		os.WriteFile("locked.pfx", fixtures.PFX(p.Certs["leaf"].Key, p.Chain("leaf", "root"), "right"), 0o600)
		t.Setenv("OME_PREFLIGHT_PFX_PASSWORD", "")
		os.Unsetenv("OME_PREFLIGHT_PFX_PASSWORD")
		os.WriteFile("empty.csr", nil, 0o600)
		lines = append(lines, []string{"check", "locked.pfx"}, []string{"csr", "empty.csr"})
		for _, args := range lines {
			check(t, strings.Join(args, " "), func(extra ...string) result { return runCLI(t, append(extra, args...)...) })
		}
	})
	t.Run("swapped CSR", func(t *testing.T) {
		dir := t.TempDir()
		writeLab(t, dir, "csr-match")
		t.Chdir(filepath.Join(dir, "csr-match"))
		args := []string{"check", "--at", testAt, "--csr", "chain.pem", "appliance.csr"}
		check(t, "check --csr chain.pem appliance.csr", func(extra ...string) result { return runCLI(t, append(extra, args...)...) })
	})
	t.Run("inventories", func(t *testing.T) {
		dir := t.TempDir()
		writeLab(t, dir, "good-pair")
		t.Chdir(dir)
		for _, tc := range inventoryTypoCases {
			os.WriteFile("inventory.yaml", []byte(tc.yaml), 0o600)
			check(t, "inventory: "+tc.name, func(extra ...string) result {
				return runCLI(t, append(extra, "checklist", "--out", "out", "inventory.yaml")...)
			})
		}
	})
	golden(t, "errors/stderr.en.txt", en.String())
}

// untranslatedErrors are the cases whose error line stays English in every
// language. The text is Go's or the YAML parser's after the file name:
var untranslatedErrors = []string{
	"mock with a CSR as chain", // tls.LoadX509KeyPair's words after the two files
	"inventory that is not YAML",
	"checklist bad.yaml",
}

// TestErrorLanguageFromEnvironment: an error found before --lang is read,
// or a bad --lang itself, is said in the environment's language.
func TestErrorLanguageFromEnvironment(t *testing.T) {
	t.Setenv("OME_PREFLIGHT_LANG", "")
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LANG", "ko_KR.UTF-8")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"check", "--fromat", "json", "x.pem"}, "ome-preflight: error: 알 수 없는 플래그: --fromat\nome-preflight: hint: --format을(를) 의도하셨습니까? ('ome-preflight check --help'를 실행하십시오)\n"},
		{[]string{"--lang", "fr", "check", "x.pem"}, "ome-preflight: error: 잘못된 --lang 값: \"fr\"\n"},
		{[]string{"--lang", "nl", "chekc"}, "ome-preflight: error: onbekende opdracht \"chekc\"\n"},
		{[]string{"--lang", "nl", "--fromat", "check", "x.pem"}, "ome-preflight: error: onbekende vlag --fromat\n"},
	} {
		res := runCLI(t, tc.args...)
		if res.code != 2 || !strings.HasPrefix(res.stderr, tc.want) {
			t.Errorf("%v: exit %d\n%s\nwant it to start with\n%s", tc.args, res.code, res.stderr, tc.want)
		}
	}
	// A bad --lang after a Korean run: the environment's language, not the
	// previous run's.
	t.Setenv("LANG", "C")
	runCLI(t, "--lang", "ko", "chekc")
	if res := runCLI(t, "--lang", "fr", "check"); !strings.HasPrefix(res.stderr, "ome-preflight: error: bad --lang \"fr\"\n") {
		t.Errorf("--lang fr with LANG=C: %s", res.stderr)
	}
}

// TestSentinelEntries: each error printError finds by identity has the
// entry whose English is the error's text.
func TestSentinelEntries(t *testing.T) {
	for err, id := range sentinelIDs {
		if en, ok := i18n.English(id); !ok || en != err.Error() {
			t.Errorf("%s: English %q, the error says %q", id, en, err.Error())
		}
	}
	for _, err := range []error{chain.ErrTooLarge, chain.ErrEmpty, chain.ErrNoCertificates, chain.ErrUnknownFormat, chain.ErrPasswordNeeded,
		chain.ErrBadPassword, chain.ErrNotCSR, chain.ErrIsDirectory, chain.ErrTooManyCerts, chain.ErrTruncatedPEM, chain.ErrBadBase64,
		chain.ErrUnreadable, chain.ErrNoAnchor, chain.ErrUnsupportedPFX, chain.ErrEmptyPKCS7} {
		if _, ok := sentinelIDs[err]; !ok {
			t.Errorf("chain's %q has no entry", err)
		}
	}
}

// TestEveryHintCatalogued reads the package's source: every hint written
// there (an argument of usagef, an element of a usageError's or
// usageHints' hints, a string hintsFor returns, a hint or help variable),
// as a literal or a fmt.Sprintf format with sample values, has a hint.*
// entry.
func TestEveryHintCatalogued(t *testing.T) {
	fset := token.NewFileSet()
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	verb := regexp.MustCompile(`%[sqdv]`)
	sample := func(format string) string {
		return verb.ReplaceAllStringFunc(format, func(v string) string {
			if v == "%q" {
				return `"x"`
			}
			return "x"
		})
	}
	// text is a hint expression's English with sample values; "" when it
	// is not a literal or a Sprintf of one.
	text := func(e ast.Expr) string {
		switch x := e.(type) {
		case *ast.BasicLit:
			if s, err := strconv.Unquote(x.Value); err == nil {
				return sample(s)
			}
		case *ast.CallExpr:
			if sel, ok := x.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Sprintf" && len(x.Args) > 0 {
				if lit, ok := x.Args[0].(*ast.BasicLit); ok {
					if s, err := strconv.Unquote(lit.Value); err == nil {
						return sample(s)
					}
				}
			}
		}
		return ""
	}
	var hints []string
	inHintsFor := false
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.FuncDecl:
				inHintsFor = x.Name.Name == "hintsFor" || x.Name.Name == "printError"
			case *ast.CallExpr:
				if id, ok := x.Fun.(*ast.Ident); ok && id.Name == "usagef" && len(x.Args) > 1 {
					hints = append(hints, text(x.Args[0]))
				}
			case *ast.KeyValueExpr:
				if k, ok := x.Key.(*ast.Ident); ok && k.Name == "hints" {
					if cl, ok := x.Value.(*ast.CompositeLit); ok {
						for _, el := range cl.Elts {
							hints = append(hints, text(el))
						}
					}
				}
			case *ast.CompositeLit:
				if inHintsFor {
					for _, el := range x.Elts {
						hints = append(hints, text(el))
					}
				}
			case *ast.AssignStmt:
				for i, l := range x.Lhs {
					if id, ok := l.(*ast.Ident); ok && (id.Name == "hint" || id.Name == "help") && i < len(x.Rhs) {
						hints = append(hints, text(x.Rhs[i]))
					}
				}
			}
			return true
		})
	}
	n := 0
	for _, h := range hints {
		if h == "" {
			continue
		}
		n++
		if _, _, ok := i18n.IdentifyPrefix("hint.", h); !ok {
			t.Errorf("hint %q has no hint.* entry", h)
		}
	}
	if n < 60 {
		t.Errorf("found only %d hints in the source", n)
	}
}

// TestErrorEscapingSameInEveryLanguage: a file name with a terminal escape
// and a new line is escaped in the translated error lines exactly as in
// the English ones; only the tool's words change.
func TestErrorEscapingSameInEveryLanguage(t *testing.T) {
	t.Chdir(t.TempDir())
	name := "evil\x1b[2J\nname.pem"
	en := runCLI(t, "--lang", "en", "check", name)
	want := "ome-preflight: error: evil\\x1b[2J\nome-preflight:   name.pem: cannot read file: stat evil\\x1b[2J\nome-preflight:   name.pem: no such file or directory\n" +
		"ome-preflight: hint: check the path and its permissions\n"
	if en.stderr != want {
		t.Fatalf("English:\n%s\nwant\n%s", en.stderr, want)
	}
	for _, l := range []string{"ko", "nl"} {
		p := i18n.New(l)
		unreadable, _ := p.T("error.unreadable")
		hint, _ := p.T("hint.unreadable")
		w := strings.Replace(strings.Replace(want, "cannot read file", unreadable, 1), "check the path and its permissions", hint, 1)
		if got := runCLI(t, "--lang", l, "check", name); got.stderr != w || w == want {
			t.Errorf("--lang %s:\n%s\nwant\n%s", l, got.stderr, w)
		}
	}
}

// TestAssembleSkippedLocalised: a file in a folder that holds no
// certificate is said skipped in the run's language, its reason too; the
// JSON's skipped list stays English.
func TestAssembleSkippedLocalised(t *testing.T) {
	dir := t.TempDir()
	writeLab(t, dir, "good-chain")
	t.Chdir(filepath.Join(dir, "good-chain"))
	os.WriteFile("notes.txt", []byte("not a certificate"), 0o600)
	want := map[string]string{
		"en": "ome-preflight: skipped notes.txt: not a certificate file (PEM, DER, PKCS#7 or PKCS#12)\n",
		"ko": "ome-preflight: 건너뜀: notes.txt: 인증서 파일이 아닙니다 (PEM, DER, PKCS#7 또는 PKCS#12)\n",
		"nl": "ome-preflight: overgeslagen: notes.txt: geen certificaatbestand (PEM, DER, PKCS#7 of PKCS#12)\n",
	}
	enJSON := runCLI(t, "--lang", "en", "assemble", "--format", "json", ".")
	if !strings.Contains(enJSON.stdout, `"skipped notes.txt: not a certificate file (PEM, DER, PKCS#7 or PKCS#12)"`) {
		t.Errorf("JSON: %s", enJSON.stdout)
	}
	for l, w := range want {
		res := runCLI(t, "--lang", l, "assemble", ".")
		if !strings.Contains(res.stderr, w) {
			t.Errorf("--lang %s: %q; want %q", l, res.stderr, w)
		}
		if j := runCLI(t, "--lang", l, "assemble", "--format", "json", "."); j.stdout != enJSON.stdout {
			t.Errorf("--lang %s: JSON differs from English", l)
		}
	}
}
