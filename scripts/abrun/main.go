// Command abrun times two commands against each other, whole process, run
// by run: A, B, then B, A, and so on (so that neither always runs first),
// and prints the median wall time of each in microseconds and the median of
// the pairwise ratios A/B. The machine is noisy and drifts: sequential
// blocks of runs would mostly measure the drift.
//
//	go run ./scripts/abrun -n 61 -a 'bin/ome-preflight check x.pem' -b 'openssl verify x.pem'
//
// A side may be a sequence of commands separated by ' ;; ', run one after
// another (each must exit as given by -ok, default 0 or 1). Arguments are
// split on white space: this is a benchmark helper for scripts/bench.sh,
// whose paths have none.
//
// Each command is started by Go's os/exec (clone with CLONE_VFORK, then
// exec) and timed from just before the start to just after the wait: the
// harness adds as little as it can to both sides. A shell loop forks the
// whole shell for every run, which adds the same fraction of a millisecond
// to A and B and pulls every ratio towards 1.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"
)

func main() {
	n := flag.Int("n", 31, "pairs of runs")
	a := flag.String("a", "", "command A (' ;; ' separates a sequence)")
	b := flag.String("b", "", "command B (' ;; ' separates a sequence)")
	flag.Parse()
	if *a == "" || *b == "" || *n < 1 {
		fmt.Fprintln(os.Stderr, "usage: abrun -n N -a 'command A' -b 'command B'")
		os.Exit(2)
	}
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		fmt.Fprintln(os.Stderr, "abrun:", err)
		os.Exit(2)
	}
	seqA, seqB := parse(*a), parse(*b)
	// One untimed run of each: the first run of a binary reads it from
	// the page cache into place; that is not what is being compared.
	for _, s := range [][][]string{seqA, seqB} {
		if _, err := timeSeq(s, null); err != nil {
			fmt.Fprintln(os.Stderr, "abrun:", err)
			os.Exit(1)
		}
	}
	var ta, tb, ratios []float64
	for i := range *n {
		first, second := seqA, seqB
		if i%2 == 1 {
			first, second = seqB, seqA
		}
		d1, err1 := timeSeq(first, null)
		d2, err2 := timeSeq(second, null)
		if err1 != nil || err2 != nil {
			fmt.Fprintln(os.Stderr, "abrun:", err1, err2)
			os.Exit(1)
		}
		if i%2 == 1 {
			d1, d2 = d2, d1
		}
		ta, tb = append(ta, d1), append(tb, d2)
		ratios = append(ratios, d1/d2)
	}
	fmt.Printf("%.0f %.0f %.4f\n", median(ta), median(tb), median(ratios))
}

// parse splits a side into commands, each program resolved on PATH once
// here rather than in every timed run.
func parse(s string) [][]string {
	var out [][]string
	for _, part := range strings.Split(s, " ;; ") {
		f := strings.Fields(part)
		if len(f) == 0 {
			continue
		}
		path, err := exec.LookPath(f[0])
		if err != nil {
			fmt.Fprintln(os.Stderr, "abrun:", err)
			os.Exit(2)
		}
		f[0] = path
		out = append(out, f)
	}
	return out
}

// timeSeq runs the commands one after another and returns the wall time
// in microseconds. Exit status 0 and 1 both count as a run (a failing
// chain is a valid measurement); anything else is an error.
func timeSeq(seq [][]string, null *os.File) (float64, error) {
	start := time.Now()
	for _, args := range seq {
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Stdout, cmd.Stderr = null, null
		if err := cmd.Run(); err != nil {
			if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() > 1 {
				return 0, fmt.Errorf("%s: %w", strings.Join(args, " "), err)
			}
		}
	}
	return float64(time.Since(start).Microseconds()), nil
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	return s[(len(s)-1)/2]
}
