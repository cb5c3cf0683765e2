package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/google/go-cmp/cmp"

	"github.com/ome-preflight/ome-preflight/report"
)

func templateDump(name string) string { return filepath.Join("testdata", "template", name) }

// runTemplate runs `template --format json` and decodes the report.
func runTemplate(t *testing.T, want int, args ...string) *report.Report {
	t.Helper()
	res := runCLI(t, append([]string{"template", "--format", "json", "--at", testAt}, args...)...)
	if res.code != want {
		t.Fatalf("template %v: exit %d, want %d\nstderr: %s\nstdout: %s", args, res.code, want, res.stderr, res.stdout)
	}
	var r report.Report
	if err := json.Unmarshal([]byte(res.stdout), &r); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, res.stdout)
	}
	return &r
}

type templateFinding struct {
	Rule, Severity, MessageID string
	Args                      []string
}

func templateFindings(r *report.Report) []templateFinding {
	var out []templateFinding
	for _, f := range r.Findings {
		if f.Severity == report.SevInfo {
			continue
		}
		out = append(out, templateFinding{f.Rule, string(f.Severity), f.OMEMessageID, f.OMEMessageArgs})
	}
	return out
}

// The cases: each template dump predicts check's rule, OME message
// and a fix in the console's words naming what to add.
func TestTemplateDumps(t *testing.T) {
	eku := []string{"No Client/Server authentication EKU present in leaf certificate."}
	web := []string{"User Certificate is not a web server certificate."}
	for _, tc := range []struct {
		name, file string
		flags      []string
		exit       int
		want       []templateFinding
		mention    []string // in the first error's message and fix
	}{
		{"default Web Server template", "webserver-default.txt", nil, 1,
			[]templateFinding{{"leaf-eku", "error", "CGEN1008", eku}},
			[]string{"lacks Client Authentication", "pKIExtendedKeyUsage", "Duplicate Template", "Extensions > Application Policies > Edit > Add: Client Authentication",
				`certreq -submit -attrib "CertificateTemplate:WebServerOME" appliance.csr`}},
		{"default Web Server template, single server certificate", "webserver-default.txt", []string{"--mode", "server"}, 0, nil, nil},
		{"schema-2 duplicate with Client Authentication", "webserver-ome-v2.txt", nil, 0, nil, nil},
		{"Key Usage 80 00", "ku-digital-signature-only.txt", nil, 1,
			[]templateFinding{{"leaf-key-usage", "error", "CGEN1008", web}},
			[]string{"lacks Key Encipherment", `"80 00"`, "Allow key exchange only with key encryption (key encipherment)", "Properties",
				`certreq -submit -attrib "CertificateTemplate:WebServerOMESigOnly"`}},
		{"Key Usage 80 00, single server certificate", "ku-digital-signature-only.txt", []string{"--mode", "server"}, 1,
			[]templateFinding{{"leaf-key-usage", "error", "CSEC9002", []string{}}}, []string{"lacks Key Encipherment"}},
		{"the [MS-CRTD] section 3 example", "administrator-mscrtd.txt", nil, 1,
			[]templateFinding{{"leaf-eku", "error", "CGEN1008", eku}, {"template-subject", "error", "", []string{}}},
			[]string{"lacks Server Authentication"}},
		{"validity ends before the window", "webserver-ome-v2.txt", []string{"--window-end", "2029-01-01T00:00:00Z"}, 1,
			[]templateFinding{{"template-validity", "error", "", []string{}}},
			[]string{"2 Years", "2028-11-23T09:00:00Z", "General > Validity period"}},
		{"validity covers the window", "webserver-ome-v2.txt", []string{"--window-end", "2028-11-23T08:00:00Z"}, 0, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runTemplate(t, tc.exit, append(tc.flags, templateDump(tc.file))...)
			if d := cmp.Diff(tc.want, templateFindings(r)); d != "" {
				t.Errorf("findings (-want +got)\n%s", d)
			}
			if len(tc.want) > 0 {
				f := r.Findings[0]
				for _, m := range tc.mention {
					if !strings.Contains(f.Message+" "+f.Fix, m) {
						t.Errorf("first finding does not mention %q:\n%s\nfix: %s", m, f.Message, f.Fix)
					}
				}
			}
			// A pass is earned: every check passes with its observation,
			// or is na saying why.
			for _, c := range r.Checks {
				if c.Status == report.NA && c.Reason == "" {
					t.Errorf("%s: na without a reason", c.Rule)
				}
			}
			if r.Template == nil || r.Template.Certreq == "" || r.Command != "template" {
				t.Errorf("report lacks the template or its certreq line: %+v", r.Template)
			}
		})
	}
}

// Without --window-end the validity is not judged: na, saying which flag.
func TestTemplateValidityNeedsWindowEnd(t *testing.T) {
	r := runTemplate(t, 0, templateDump("webserver-ome-v2.txt"))
	i := slices.IndexFunc(r.Checks, func(c report.CheckResult) bool { return c.Rule == "template-validity" })
	if i < 0 || r.Checks[i].Status != report.NA || !strings.Contains(r.Checks[i].Reason, "--window-end") {
		t.Fatalf("template-validity without --window-end: %+v", r.Checks)
	}
}

// A dump saved by Windows PowerShell 5.1 (UTF-16LE, BOM, CRLF) is judged
// as its UTF-8 twin.
func TestTemplateUTF16Twin(t *testing.T) {
	for _, name := range []string{"webserver-default.txt", "ku-digital-signature-only.txt", "webserver-ome-v2.txt"} {
		src, err := os.ReadFile(templateDump(name))
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		b.Write([]byte{0xFF, 0xFE})
		for _, u := range utf16.Encode([]rune(strings.ReplaceAll(string(src), "\n", "\r\n"))) {
			_ = binary.Write(&b, binary.LittleEndian, u)
		}
		twin := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(twin, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		want := runCLI(t, "template", "--format", "json", "--at", testAt, templateDump(name))
		got := runCLI(t, "template", "--format", "json", "--at", testAt, twin)
		if got.code != want.code {
			t.Fatalf("%s: UTF-16 twin exit %d, UTF-8 %d: %s", name, got.code, want.code, got.stderr)
		}
		var a, c report.Report
		if json.Unmarshal([]byte(want.stdout), &a) != nil || json.Unmarshal([]byte(got.stdout), &c) != nil {
			t.Fatalf("%s: not JSON", name)
		}
		if c.Input.Encoding != "utf-16le" {
			t.Errorf("%s: twin read as %q", name, c.Input.Encoding)
		}
		if d := cmp.Diff(a.Findings, c.Findings); d != "" {
			t.Errorf("%s: findings differ (-utf8 +utf16)\n%s", name, d)
		}
		if d := cmp.Diff(a.Template, c.Template); d != "" {
			t.Errorf("%s: template differs (-utf8 +utf16)\n%s", name, d)
		}
	}
}

// A dump that cannot be read is exit 2, naming the file and what was
// expected, with a hint.
func TestTemplateUnreadable(t *testing.T) {
	dir := t.TempDir()
	unrelated := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(unrelated, []byte("Change 4711: migrate OME\nowner: ops\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		args    []string
		mention []string
	}{
		{"truncated", []string{templateDump("truncated.txt")}, []string{"truncated.txt", "pKIDefaultCSPs", "cut short", "hint: dump it again"}},
		{"unrelated", []string{unrelated}, []string{"notes.txt", "certutil -v -dstemplate NAME", "pKIKeyUsage", "hint:"}},
		{"a Markdown file", []string{filepath.Join("testdata", "template", "README.md")}, []string{"README.md", "certutil -v -dstemplate"}},
		{"missing", []string{filepath.Join(dir, "nope.txt")}, []string{"nope.txt"}},
		{"a directory", []string{dir}, []string{"directory"}},
		{"bad --window-end", []string{"--window-end", "tomorrow", templateDump("webserver-default.txt")}, []string{"--window-end", "RFC 3339"}},
		{"two files", []string{templateDump("webserver-default.txt"), templateDump("webserver-ome-v2.txt")}, []string{"one template dump"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := runCLI(t, append([]string{"template"}, tc.args...)...)
			if res.code != 2 || res.stdout != "" {
				t.Fatalf("exit %d, want 2 and nothing on stdout\nstdout: %s\nstderr: %s", res.code, res.stdout, res.stderr)
			}
			for _, m := range tc.mention {
				if !strings.Contains(res.stderr, m) {
					t.Errorf("stderr does not mention %q:\n%s", m, res.stderr)
				}
			}
		})
	}
}

// Every format renders a template report; summary stays a ticket's size.
func TestTemplateFormats(t *testing.T) {
	for _, format := range []string{"text", "markdown", "summary"} {
		res := runCLI(t, "template", "--format", format, "--at", testAt, templateDump("webserver-default.txt"))
		if res.code != 1 {
			t.Fatalf("%s: exit %d: %s", format, res.code, res.stderr)
		}
		for _, m := range []string{"leaf-eku", `CertificateTemplate:WebServerOME`} {
			if !strings.Contains(res.stdout, m) {
				t.Errorf("%s output lacks %q:\n%s", format, m, res.stdout)
			}
		}
		if format == "summary" && strings.Count(res.stdout, "\n") > 15 {
			t.Errorf("summary has %d lines", strings.Count(res.stdout, "\n"))
		}
	}
}
