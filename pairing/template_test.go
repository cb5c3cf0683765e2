package pairing

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ome-preflight/ome-preflight/adcs"
	"github.com/ome-preflight/ome-preflight/report"
)

// webServerOME is the schema-2 duplicate that passes, with edit applied
// to its text.
func webServerOME(t *testing.T, old, new string) *adcs.Template {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "template", "webserver-ome-v2.txt"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	if old != "" {
		if !strings.Contains(s, old) {
			t.Fatalf("the dump has no %q", old)
		}
		s = strings.Replace(s, old, new, 1)
	}
	tpl, err := adcs.Parse("webserver-ome-v2.txt", []byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return tpl
}

// statusOf is rule's check status in a template report.
func statusOf(r *report.Report, rule string) report.Status {
	for _, c := range r.Checks {
		if c.Rule == rule {
			return c.Status
		}
	}
	return -1
}

// Each template rule on both sides of its threshold.
func TestTemplateRules(t *testing.T) {
	at := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, old, new, rule string
		window               time.Time
		want                 report.Status
		mention              string
	}{
		{"both EKUs", "", "", "leaf-eku", time.Time{}, Pass, ""},
		{"application policy without Client Authentication", `  msPKI-Certificate-Application-Policy =
    "1.3.6.1.5.5.7.3.1" Server Authentication,
    "1.3.6.1.5.5.7.3.2" Client Authentication`, `  msPKI-Certificate-Application-Policy = "1.3.6.1.5.5.7.3.1" Server Authentication`,
			"leaf-eku", time.Time{}, Error, "msPKI-Certificate-Application-Policy"},
		{"no application policy: pKIExtendedKeyUsage is issued", `  msPKI-Certificate-Application-Policy =
    "1.3.6.1.5.5.7.3.1" Server Authentication,
    "1.3.6.1.5.5.7.3.2" Client Authentication`, "", "leaf-eku", time.Time{}, Pass, ""},
		{"no EKU attribute at all", `  msPKI-Certificate-Application-Policy =
    "1.3.6.1.5.5.7.3.1" Server Authentication,
    "1.3.6.1.5.5.7.3.2" Client Authentication`, "", "leaf-eku-none", time.Time{}, Error, "Server Authentication and Client Authentication"},
		{"Key Usage a0", "", "", "leaf-key-usage", time.Time{}, Pass, ""},
		{"Key Usage 20: no Digital Signature", `"a0 00"`, `"20 00"`, "leaf-key-usage", time.Time{}, Error, "Digital Signature"},
		{"subject from the request", "", "", "template-subject", time.Time{}, Pass, ""},
		{"subject from the directory", `msPKI-Certificate-Name-Flag = "1"`, `msPKI-Certificate-Name-Flag = "1073741824"`, "template-subject", time.Time{}, Error, "common name or DNS host name"},
		{"minimum 2048", "", "", "template-key-size", time.Time{}, Pass, ""},
		{"minimum 3072: choose 4096", `"2048" 0x800`, `"3072" 0xc00`, "template-key-size", time.Time{}, Warn, "4096-bit"},
		{"minimum 4096", `"2048" 0x800`, `"4096" 0x1000`, "template-key-size", time.Time{}, Warn, "4096-bit"},
		{"minimum 8192", `"2048" 0x800`, `"8192" 0x2000`, "template-key-size", time.Time{}, Error, "8192"},
		{"window ends a second before expiry", "", "", "template-validity", at.AddDate(2, 0, 0).Add(-time.Second), Pass, ""},
		{"window ends a second after expiry", "", "", "template-validity", at.AddDate(2, 0, 0).Add(time.Second), Error, "before the change window ends"},
		{"period in another language", `"2 Years"`, `"2 Jahre"`, "template-validity", at.AddDate(1, 0, 0), NA, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tpl := webServerOME(t, tc.old, tc.new)
			if tc.rule == "leaf-eku-none" {
				// Neither attribute: the leaf would have no EKU.
				tpl.EKU, tpl.EKUGiven, tc.rule = nil, false, "leaf-eku"
			}
			r := Template(TemplateOptions{Template: tpl, At: at, WindowEnd: tc.window})
			if got := statusOf(r, tc.rule); got != tc.want {
				t.Fatalf("%s: %v, want %v\n%+v", tc.rule, got, tc.want, r.Findings)
			}
			if tc.mention == "" {
				return
			}
			for _, f := range r.Findings {
				if f.Rule == tc.rule && strings.Contains(f.Message, tc.mention) {
					return
				}
			}
			t.Errorf("no %s finding mentions %q: %+v", tc.rule, tc.mention, r.Findings)
		})
	}
}

// The template rules that predict an upload rule are that rule: the same
// id and OME message, and the catalogue lists each id once.
func TestTemplateRulesReuseUploadRules(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Catalogue() {
		if seen[r.ID] {
			t.Errorf("%s twice in the catalogue", r.ID)
		}
		seen[r.ID] = true
	}
	for _, tr := range templateRules {
		if !seen[tr.ID] {
			t.Errorf("template rule %s is not in the catalogue", tr.ID)
		}
	}
	if templateRules[0].Rule != &ruleLeafEKU.Rule || templateRules[1].Rule != &ruleLeafKU.Rule {
		t.Error("the template's EKU and Key Usage rules are not leaf-eku and leaf-key-usage")
	}
}
