package main

import (
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/ome-preflight/ome-preflight/chain"
	"github.com/ome-preflight/ome-preflight/report"
)

// inputFileFlags are the flags that name an input file, in the order a
// report lists them. A private key (--client-key, mock's --key) is never
// hashed: its digest is nobody's evidence.
var inputFileFlags = []struct{ flag, role string }{
	{"source-chain", "source chain"}, {"target-chain", "target chain"},
	{"csr", "csr"}, {"source-csr", "source csr"}, {"target-csr", "target csr"},
	{"ca", "ca"}, {"client-cert", "client certificate"},
}

// runInfo is what a report says about its run: the tool's version, the
// run's clock (e.now: fixed under the tests' clock) and the SHA-256 of every
// input file the command was given, positional files first.
func (e *env) runInfo(c *cli.Context) *report.Run {
	run := newRun(e.now())
	roles := map[string][]string{"check": {"chain"}, "csr": {"csr"}, "compare": {"source chain", "target chain"}, "checklist": {"inventory"}}[c.Command.Name]
	for i, f := range c.Args().Slice() {
		role := "file"
		if i < len(roles) {
			role = roles[i]
		}
		run.add(role, f)
	}
	for _, fl := range inputFileFlags {
		if c.IsSet(fl.flag) {
			run.add(fl.role, c.String(fl.flag))
		}
	}
	return (*report.Run)(run)
}

// runBuilder adds inputs to a report.Run, each file once.
type runBuilder report.Run

func newRun(now time.Time) *runBuilder {
	return &runBuilder{Tool: "ome-preflight", Version: version, At: now.UTC().Truncate(time.Second), Inputs: []report.InputHash{}}
}

func (r *runBuilder) add(role, path string) {
	if path == "" {
		return
	}
	for _, in := range r.Inputs {
		if in.File == path {
			return
		}
	}
	r.Inputs = append(r.Inputs, hashInput(role, path))
}

// hashInput reads path again (within chain's size bound) and digests it.
// Standard input was read once, by the command: it is named, not hashed.
func hashInput(role, path string) report.InputHash {
	h := report.InputHash{Role: role, File: path}
	if path == "-" {
		h.File, h.Error = "standard input", "not hashed: standard input is read once (save it to a file to have its SHA-256 in the report)"
		return h
	}
	data, err := chain.ReadLimited(path)
	if err != nil {
		h.Error = err.Error()
		return h
	}
	sum := sha256.Sum256(data)
	h.SHA256, h.Bytes = hex.EncodeToString(sum[:]), int64(len(data))
	return h
}
