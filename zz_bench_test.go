package main

import (
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

func BenchmarkZZRun(b *testing.B) {
	args := strings.Fields(os.Getenv("ZZ_ARGS"))
	for b.Loop() {
		run(append([]string{"ome-preflight"}, args...), strings.NewReader(""), io.Discard, io.Discard, time.Now)
	}
}
