package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ome-preflight/ome-preflight/fixtures"
)

func TestAssemble(t *testing.T) {
	p := fixtures.MustBuild(testBase,
		fixtures.Spec{ID: "root", CN: "Root-CA", CA: true}, fixtures.Spec{ID: "inter", CN: "Inter-CA1", Issuer: "root", CA: true},
		fixtures.Spec{ID: "leaf", CN: "OMENT-310", Issuer: "inter"}, fixtures.Spec{ID: "other", CN: "Other-CA", CA: true})
	dir := t.TempDir()
	t.Chdir(dir)
	os.Mkdir("cas", 0o755)
	os.WriteFile("appliance.cer", p.Certs["leaf"].Cert.Raw, 0o600)                                       // DER
	os.WriteFile("cas/inter.p7b", fixtures.PKCS7(p.Chain("inter")), 0o600)                               // PKCS#7
	os.WriteFile("cas/root.txt", fixtures.UTF16(fixtures.PEM(p.Certs["root"].Cert), false, true), 0o600) // UTF-16
	os.WriteFile("cas/other.pem", fixtures.PEM(p.Certs["other"].Cert), 0o600)                            // unrelated
	os.WriteFile("cas/notes.md", []byte("# our CA certificates\n"), 0o600)                               // not a certificate
	want := fixtures.PEM(p.Chain("leaf", "inter", "root")...)

	res := runCLI(t, "assemble", "-o", "chain.pem", "appliance.cer", "cas")
	if res.code != 0 {
		t.Fatalf("code %d: %s", res.code, res.stderr)
	}
	got, _ := os.ReadFile("chain.pem")
	if !bytes.Equal(got, want) {
		t.Errorf("chain.pem is not leaf, intermediate, root in Base64 PEM:\n%s", got)
	}
	for _, s := range []string{"converted appliance.cer from DER", "PKCS#7 bundle cas/inter.p7b", "UTF-16", `added the root "Root-CA"`, `not on the chain: ["Other-CA"]`, "skipped cas/notes.md"} {
		if !strings.Contains(res.stderr, s) {
			t.Errorf("stderr lacks %q:\n%s", s, res.stderr)
		}
	}
	if r := runCLI(t, "check", "--at", testAt, "chain.pem"); r.code != 0 {
		t.Errorf("the assembled chain does not pass check:\n%s", r.stdout)
	}
	// An existing file is kept without --force.
	if r := runCLI(t, "assemble", "-o", "chain.pem", "appliance.cer", "cas"); r.code != 2 || !strings.Contains(r.stderr, "--force") {
		t.Errorf("overwrite: code %d %s", r.code, r.stderr)
	}
	if r := runCLI(t, "assemble", "--force", "-o", "chain.pem", "appliance.cer", "cas"); r.code != 0 {
		t.Errorf("--force: code %d %s", r.code, r.stderr)
	}
	// stdout, and a reordered single file.
	os.WriteFile("reversed.pem", fixtures.PEM(p.Chain("root", "inter", "leaf")...), 0o600)
	if r := runCLI(t, "assemble", "reversed.pem"); r.code != 0 || r.stdout != string(want) || !strings.Contains(r.stderr, "reordered") {
		t.Errorf("reversed: code %d stderr %s", r.code, r.stderr)
	}
	// No root: names the missing issuer, writes nothing.
	if r := runCLI(t, "assemble", "-o", "partial.pem", "appliance.cer", "cas/inter.p7b"); r.code != 1 || !strings.Contains(r.stderr, "CN=Root-CA") {
		t.Errorf("incomplete: code %d %s", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "partial.pem")); err == nil {
		t.Error("an incomplete chain was written")
	}
	// --leaf picks the path start.
	os.WriteFile("bundle.pem", fixtures.PEM(p.Chain("root", "inter")...), 0o600)
	if r := runCLI(t, "assemble", "--leaf", "appliance.cer", "bundle.pem"); r.code != 0 || r.stdout != string(want) {
		t.Errorf("--leaf: code %d %s", r.code, r.stderr)
	}
}

func TestAssembleJSON(t *testing.T) {
	p := fixtures.MustBuild(testBase,
		fixtures.Spec{ID: "root", CN: "Root-CA", CA: true}, fixtures.Spec{ID: "inter", CN: "Inter-CA1", Issuer: "root", CA: true},
		fixtures.Spec{ID: "leaf", CN: "OMENT-310", Issuer: "inter"})
	t.Chdir(t.TempDir())
	os.WriteFile("all.p7b", fixtures.PKCS7(p.Chain("root", "leaf", "inter")), 0o600)
	res := runCLI(t, "assemble", "--format", "json", "all.p7b")
	var rep assembleReport
	if err := json.Unmarshal([]byte(res.stdout), &rep); err != nil || res.code != 0 {
		t.Fatalf("code %d: %v %s", res.code, err, res.stderr)
	}
	if rep.Verdict != "pass" || len(rep.Chain) != 3 || rep.Chain[0].CommonName != "OMENT-310" || rep.Chain[2].Role != "root" ||
		rep.PEM != string(fixtures.PEM(p.Chain("leaf", "inter", "root")...)) || len(rep.Changes) == 0 {
		t.Errorf("got %+v", rep)
	}
	// A quirky PEM file: the output is clean, and the change names each quirk.
	quirky := regexp.MustCompile(`(?m)^`).ReplaceAllString(regexp.MustCompile(`=+\n-----END`).ReplaceAllString(string(fixtures.PEM(p.Chain("leaf", "inter", "root")...)), "\n-----END"), "  ")
	os.WriteFile("quirky.pem", []byte(quirky), 0o600)
	res = runCLI(t, "assemble", "--format", "json", "quirky.pem")
	if err := json.Unmarshal([]byte(res.stdout), &rep); err != nil || res.code != 0 {
		t.Fatalf("quirky: code %d: %v %s", res.code, err, res.stderr)
	}
	if rep.PEM != string(fixtures.PEM(p.Chain("leaf", "inter", "root")...)) ||
		!slices.Contains(rep.Changes, `quirky.pem, as read: indented PEM lines; PEM Base64 without its "=" padding; written as plain Base64 PEM`) {
		t.Errorf("quirky: changes %q", rep.Changes)
	}
	os.WriteFile("part.pem", fixtures.PEM(p.Chain("leaf")...), 0o600)
	res = runCLI(t, "assemble", "--format", "json", "part.pem")
	json.Unmarshal([]byte(res.stdout), &rep)
	if res.code != 1 || rep.Verdict != "fail" || !strings.Contains(rep.Error, "Inter-CA1") {
		t.Errorf("incomplete: code %d %+v", res.code, rep)
	}
}
