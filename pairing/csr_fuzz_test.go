package pairing_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/ome-preflight/ome-preflight/chain"
	"github.com/ome-preflight/ome-preflight/fixtures"
	"github.com/ome-preflight/ome-preflight/pairing"
)

// FuzzLintCSR: whatever CSR the reader accepts, the csr rules judge without
// panicking, one check per rule, and the verdict is fail exactly when a
// finding is an error.
func FuzzLintCSR(f *testing.F) {
	for _, s := range fixtures.CheckScenarios() {
		for _, file := range s.Build(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)) {
			if bytes.Contains(file.Data, []byte("REQUEST")) {
				f.Add(file.Data)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := chain.ParseCSR("fuzz", data)
		if err != nil {
			return
		}
		r := pairing.LintCSR(c)
		if len(r.Checks) != 5 {
			t.Fatalf("%d checks", len(r.Checks))
		}
		fail := false
		for _, fd := range r.Findings {
			if fd.Rule == "" {
				t.Fatal("a finding without rule")
			}
			fail = fail || fd.Severity == "error"
		}
		if fail != (r.Verdict == "fail") {
			t.Fatalf("verdict %s with findings %+v", r.Verdict, r.Findings)
		}
	})
}
