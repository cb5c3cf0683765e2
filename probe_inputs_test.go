package main

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/ome-preflight/ome-preflight/fixtures"
	"github.com/ome-preflight/ome-preflight/report"
)

// probe takes each side's CSR and name (--source-csr/--target-csr,
// --source-name/--target-name) and feeds csr-key, csr-wildcard and
// leaf-name for that side as check --csr and compare do; a side without
// them is na with its reason, shown in text and Markdown; a standalone
// OME's FIPS mode reads "n/a (OME-Modular only)".
func TestProbeSideInputs(t *testing.T) {
	noLeaks(t)
	now := labClock(t)
	dir := pairLab(t, "good-pair")
	_, srcKey := loadPair(t, dir, "source")
	_, tgtKey := loadPair(t, dir, "target")
	for name, data := range map[string][]byte{
		"source.csr":  fixtures.CSR(fixtures.SourceCN, srcKey),
		"wild.csr":    fixtures.CSR("*.example.com", tgtKey),
		"not-tgt.csr": fixtures.CSR(fixtures.TargetCN, srcKey),
	} {
		if err := os.WriteFile(name, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, product := range []string{"ome", "ome-m"} {
		src := startMock(t, dir, "source", "127.0.0.1:0", now, func(o *fixtures.MockOptions) { o.Product = product })
		defer src.Close()
		tgt := startMock(t, dir, "target", "127.0.0.2:0", now, func(o *fixtures.MockOptions) { o.Product = product })
		defer tgt.Close()
		pinned := []string{"--user", "admin", "--source-chain", "source.pem", "--target-chain", "target.pem", "--client-cert", "standin.pem", "--client-key", "standin.key"}

		// The source's CSR and name given, the target's not.
		args := append(probeArgs(src.Addr, tgt.Addr, pinned...), "--source-csr", "source.csr", "--source-name", "oment-310.example.com")
		r := probeReport(t, 0, args...)
		for _, c := range []struct {
			rule   string
			side   report.Side
			status report.Status
			reason string
		}{
			{"csr-key", report.SideSource, report.Pass, ""},
			{"csr-wildcard", report.SideSource, report.Pass, ""},
			{"leaf-name", report.SideSource, report.Pass, ""},
			{"csr-key", report.SideTarget, report.NA, "no CSR given (use --target-csr with the CSR generated on this appliance)"},
			{"csr-wildcard", report.SideTarget, report.NA, "no CSR given (use --target-csr with the CSR generated on this appliance)"},
			// No --target-name: the names OME gives in AddressConfiguration.
			{"leaf-name", report.SideTarget, report.Pass, ""},
		} {
			if st, reason := checkOf(r, c.rule, c.side); st != c.status || reason != c.reason {
				t.Errorf("%s %s %s: %s %q, want %s %q", product, c.rule, c.side, st, reason, c.status, c.reason)
			}
		}
		// Every na carries its reason.
		for _, c := range r.Checks {
			if c.Status == report.NA && c.Reason == "" {
				t.Errorf("%s: %s %s is na without a reason", product, c.Rule, c.Side)
			}
		}
		t.Setenv("OME_PASSWORD", "pw")
		text := runCLI(t, withFormat(args, "text")...)
		if text.code != 0 || !regexp.MustCompile(`(?m)^  \? csr-key, csr-wildcard \(target\) not checked: no CSR given \(use --target-csr`).MatchString(text.stdout) {
			t.Errorf("%s text: code %d, the not-checked rows are missing:\n%s", product, text.code, text.stdout)
		}
		wantFIPS := map[string]string{"ome": "FIPS n/a (OME-Modular only)", "ome-m": "FIPS OFF"}[product]
		if strings.Count(text.stdout, wantFIPS+"\n") != 2 || regexp.MustCompile(`FIPS \n`).MatchString(text.stdout) {
			t.Errorf("%s text: want %q on both appliances:\n%s", product, wantFIPS, text.stdout)
		}
		md := runCLI(t, withFormat(args, "markdown")...)
		for _, want := range []string{"- (not checked) target: ", "`csr-key`: no CSR given (use --target-csr"} {
			if !strings.Contains(md.stdout, want) {
				t.Errorf("%s markdown lacks %q:\n%s", product, want, md.stdout)
			}
		}
		// Without --user (no AddressConfiguration) and no --target-name,
		// leaf-name is na with its reason, in every format.
		bare := append(probeArgs(src.Addr, tgt.Addr, "--source-chain", "source.pem", "--target-chain", "target.pem"), "--source-name", "oment-310.example.com")
		r = probeReport(t, 0, bare...)
		if st, reason := checkOf(r, "leaf-name", report.SideTarget); st != report.NA || !strings.HasPrefix(reason, "no host name given: give --target-name") {
			t.Errorf("%s: leaf-name target without --user: %s %q, want na naming --target-name", product, st, reason)
		}
		text = runCLI(t, withFormat(bare, "text")...)
		md = runCLI(t, withFormat(bare, "markdown")...)
		if !strings.Contains(text.stdout, "? leaf-name (target) not checked: no host name given: give --target-name") ||
			!strings.Contains(md.stdout, "`leaf-name`: no host name given: give --target-name") {
			t.Errorf("%s: the leaf-name not-checked row is missing:\n%s\n%s", product, text.stdout, md.stdout)
		}

		// The target's CSR is not its key's and has a wildcard; the source
		// is reached by a name its leaf does not cover.
		r = probeReport(t, 1, append(probeArgs(src.Addr, tgt.Addr, pinned...), "--target-csr", "not-tgt.csr", "--source-name", "other.example.com")...)
		if st, _ := checkOf(r, "csr-key", report.SideTarget); st != report.Error {
			t.Errorf("%s: csr-key target %s, want error (the CSR's key is the source's)", product, st)
		}
		if st, _ := checkOf(r, "leaf-name", report.SideSource); st != report.Warn {
			t.Errorf("%s: leaf-name source %s, want warn (other.example.com is not in the leaf)", product, st)
		}
		r = probeReport(t, 1, append(probeArgs(src.Addr, tgt.Addr, pinned...), "--target-csr", "wild.csr")...)
		if st, _ := checkOf(r, "csr-wildcard", report.SideTarget); st != report.Error {
			t.Errorf("%s: csr-wildcard target %s, want error", product, st)
		}
		assertGETOnly(t, src, tgt)
	}
	// An unreadable CSR is a usage error naming the file.
	res := runCLI(t, probeArgs("127.0.0.1:1", "127.0.0.1:2", "--source-csr", "missing.csr")...)
	if res.code != 2 || !strings.Contains(res.stderr, "missing.csr") {
		t.Errorf("missing CSR: code %d\n%s", res.code, res.stderr)
	}
}

// checkOf is the status and reason of one rule on one side.
func checkOf(r report.Report, rule string, side report.Side) (report.Status, string) {
	for _, c := range r.Checks {
		if c.Rule == rule && c.Side == side {
			return c.Status, c.Reason
		}
	}
	return report.Fatal, "(no such check)"
}

// withFormat is args with --format's value replaced.
func withFormat(args []string, format string) []string {
	out := append([]string{}, args...)
	for i := range out[:len(out)-1] {
		if out[i] == "--format" {
			out[i+1] = format
		}
	}
	return out
}
