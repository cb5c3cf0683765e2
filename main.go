// Command ome-preflight predicts, before the change window, every certificate
// error Dell OpenManage Enterprise would raise on chain upload and migration
// pairing, with OME's exact MessageId and MessageArgs, and how to fix it.
package main

import (
	"os"
	"time"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr, time.Now))
}
