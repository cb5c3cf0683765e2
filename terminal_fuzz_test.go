package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ome-preflight/ome-preflight/fixtures"
)

// termUnsafe reports the first rune that must never reach a terminal raw:
// C0 controls but tab and newline, DEL, C1 controls, bidi controls and
// line separators, or a byte that is not UTF-8.
func termUnsafe(s string) (string, bool) {
	for i, r := range s {
		switch {
		case r == utf8.RuneError:
			if _, size := utf8.DecodeRuneInString(s[i:]); size <= 1 {
				return fmt.Sprintf("byte %#x", s[i]), true
			}
		case r < 0x20 && r != '\t' && r != '\n', r == 0x7f, r >= 0x80 && r <= 0x9f,
			r == 0x061c, r == 0x200e, r == 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x2028, r == 0x2029:
			return fmt.Sprintf("%U", r), true
		}
	}
	return "", false
}

// FuzzTerminalLines: whatever a certificate, a file name, an inventory or a
// log carries, no line that reaches a terminal (stdout and stderr of check,
// compare, assemble, explain and checklist, their console logs at debug
// level, the progress line and the say lines) holds an ESC, a C1 control
// or a bidi override raw.
func FuzzTerminalLines(f *testing.F) {
	for _, s := range []string{hostileName, "OMENT-310", "\x1b]0;pwned\x07", "\u009b2J", "a\u202eb", "\xff\xfe", "x\r\ny", "\u2028"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if len(name) > 256 {
			return
		}
		p, err := fixtures.Build(testBase,
			fixtures.Spec{ID: "root", CN: "Root-CA", CA: true, KeySlot: 1},
			fixtures.Spec{ID: "inter", CN: name, Org: name, Issuer: "root", CA: true, KeySlot: 2},
			fixtures.Spec{ID: "leaf", CN: name, Issuer: "inter", KeySlot: 3},
		)
		dir := t.TempDir()
		var outputs []string
		runIt := func(args ...string) {
			var out, errb bytes.Buffer
			run(append([]string{"ome-preflight", "--no-color", "--log-level", "debug", "--log-format", "console"}, args...),
				strings.NewReader(""), &out, &errb, clockFor(t))
			outputs = append(outputs, strings.Join(args, " ")+" (stdout)\x00"+out.String(), strings.Join(args, " ")+" (stderr)\x00"+errb.String())
		}
		if err == nil { // some names cannot be a certificate's
			chainFile := filepath.Join(dir, "chain.pem")
			if err := os.WriteFile(chainFile, fixtures.PEM(p.Chain("leaf", "inter", "root", "leaf")...), 0o600); err != nil {
				t.Fatal(err)
			}
			for _, format := range []string{"text", "markdown"} {
				runIt("check", "--format", format, chainFile)
			}
			runIt("compare", chainFile, chainFile)
			in := filepath.Join(dir, "in")
			os.Mkdir(in, 0o755)
			os.WriteFile(filepath.Join(in, "leaf.pem"), fixtures.PEM(p.Chain("leaf")...), 0o600)
			os.WriteFile(filepath.Join(in, "cas.pem"), fixtures.PEM(p.Chain("root", "inter")...), 0o600)
			if !strings.ContainsAny(name, "/\x00") && name != "" && name != "." && name != ".." {
				os.WriteFile(filepath.Join(in, name), []byte("not a certificate"), 0o600)
			}
			runIt("assemble", "-o", filepath.Join(dir, "out.pem"), in)
		}
		js, _ := json.Marshal(name)
		log := filepath.Join(dir, "application.log")
		os.WriteFile(log, []byte("[ERROR] 2024-01-25 11:10:34.735 [x] SSLController - uploadNewCertificateChain(): {\"error\":{\"@Message.ExtendedInfo\":[{\"MessageId\":"+
			string(js)+",\"MessageArgs\":["+string(js)+"]}]}}\n"+"[ERROR] 2024-01-25 11:10:35.000 CGEN1008 "+name+"\n"), 0o600)
		runIt("explain", log)
		inv := filepath.Join(dir, "inventory.yaml")
		os.WriteFile(inv, []byte("pairs:\n  - name: "+string(js)+"\n    source: { chain: chain.pem }\n    target: { chain: chain.pem }\n"), 0o600)
		runIt("checklist", "--out", dir, "--force", "--format", "text", inv)

		var prog, say bytes.Buffer
		(&env{stderr: &prog}).progress("[%d/%d] %s: %s", 1, 1, name, "pass")
		(&env{stderr: &say}).say("mock appliance on https://%s (serving %s; Ctrl-C to stop)", "127.0.0.1:1", name)
		outputs = append(outputs, "progress\x00"+strings.TrimPrefix(prog.String(), "\r\x1b[K"), "say\x00"+say.String())

		for _, o := range outputs {
			what, text, _ := strings.Cut(o, "\x00")
			if bad, ok := termUnsafe(text); ok {
				t.Fatalf("%s: %s reaches the terminal raw (name %q):\n%s", what, bad, name, text)
			}
		}
	})
}
