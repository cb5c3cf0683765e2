package main

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/ome-preflight/ome-preflight/probe"
	"github.com/ome-preflight/ome-preflight/report"
)

// A checklist's work is network waiting, not CPU (about 10 ms of client CPU
// and 0.5 MiB per live pair), so by default every pair runs at once: the
// fleet then takes the time of its slowest pair. What bounds it is open
// files: a live pair holds up to fdsPerPair descriptors at once.
const (
	// fdsPerPair: two appliances, each with up to six connections (the
	// observing one, the verifying one, the suites' ClientHello, three
	// optional API reads), and slack.
	fdsPerPair = 16
	// fdReserve is kept for everything else (the inventory, chain files,
	// the documents written, the runtime).
	fdReserve = 64
	// maxAutoParallel bounds the default whatever the limit: 512 live pairs
	// are about 256 MiB.
	maxAutoParallel = 512
	// unknownFileLimit stands in where the limit cannot be read.
	unknownFileLimit = 4096
)

// autoParallel is the default number of pairs checked at once: every pair,
// as far as limit (RLIMIT_NOFILE; 0: unknown) allows, never less than one.
func autoParallel(pairs int, limit uint64) int {
	if limit == 0 {
		limit = unknownFileLimit
	}
	budget := 1
	if limit > fdReserve+fdsPerPair {
		budget = int(min((limit-fdReserve)/fdsPerPair, maxAutoParallel))
	}
	return max(1, min(pairs, budget))
}

// pairQueued and pairFinished are a pair's states around its probe.Steps.
const (
	pairQueued   = -1
	pairFinished = int(probe.StepDone) + 1
)

// fleetProgress counts the pairs of a checklist by what each waits on: a
// pair waits on its less advanced appliance's step (dial, TLS, API), or on
// its turn (queued). Safe for concurrent use.
type fleetProgress struct {
	mu    sync.Mutex
	state []int           // per pair: pairQueued, a probe.Step, or pairFinished
	sides [][2]probe.Step // per pair: each appliance's step
	live  [][2]bool       // per pair: the appliance reported a step (it is probed)
	last  string          // the last finished pair, "name: verdict"
	count map[int]int     // pairs per state
	drawn string          // the line last drawn
	order []int           // pair indexes in the order they finished
}

func newFleetProgress(pairs int) *fleetProgress {
	fp := &fleetProgress{state: make([]int, pairs), sides: make([][2]probe.Step, pairs), live: make([][2]bool, pairs),
		count: map[int]int{pairQueued: pairs}}
	for i := range fp.state {
		fp.state[i] = pairQueued
	}
	return fp
}

func (fp *fleetProgress) set(i, state int) {
	fp.count[fp.state[i]]--
	fp.state[i] = state
	fp.count[state]++
}

// start: pair i has its turn. It counts as checking (files) until one of
// its appliances reports a step.
func (fp *fleetProgress) start(i int) {
	fp.mu.Lock()
	defer fp.mu.Unlock()
	fp.set(i, int(probe.StepDone))
}

// step: appliance k of pair i reached s.
func (fp *fleetProgress) step(i, k int, s probe.Step) {
	fp.mu.Lock()
	defer fp.mu.Unlock()
	if fp.state[i] == pairQueued || fp.state[i] == pairFinished {
		return
	}
	if !fp.live[i][k] || s > fp.sides[i][k] {
		fp.sides[i][k], fp.live[i][k] = s, true
	}
	least := probe.StepDone
	for k := range 2 {
		if fp.live[i][k] {
			least = min(least, fp.sides[i][k])
		}
	}
	fp.set(i, int(least))
}

// finish: pair i is checked.
func (fp *fleetProgress) finish(i int, name string, v report.Verdict) {
	fp.mu.Lock()
	defer fp.mu.Unlock()
	fp.set(i, pairFinished)
	fp.last = name + ": " + string(v)
	fp.order = append(fp.order, i)
}

// waiting is how many pairs wait on each step, queued and done.
func (fp *fleetProgress) waiting() (steps map[probe.Step]int, queued, done int) {
	fp.mu.Lock()
	defer fp.mu.Unlock()
	steps = map[probe.Step]int{}
	for s := probe.StepDial; s <= probe.StepDone; s++ {
		steps[s] = fp.count[int(s)]
	}
	return steps, fp.count[pairQueued], fp.count[pairFinished]
}

// finishedOrder is the pairs' indexes in the order they finished.
func (fp *fleetProgress) finishedOrder() []int {
	fp.mu.Lock()
	defer fp.mu.Unlock()
	return append([]int(nil), fp.order...)
}

// line is the progress line: "[12/100] waiting: 3 dial, 5 TLS, 20 API,
// 1 checking; 60 queued (last: dc1: pass)".
func (fp *fleetProgress) line() string {
	steps, queued, done := fp.waiting()
	fp.mu.Lock()
	last, total := fp.last, len(fp.state)
	fp.mu.Unlock()
	var parts []string
	for s := probe.StepDial; s < probe.StepDone; s++ {
		if steps[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", steps[s], s))
		}
	}
	if steps[probe.StepDone] > 0 {
		parts = append(parts, fmt.Sprintf("%d checking", steps[probe.StepDone]))
	}
	out := fmt.Sprintf("[%d/%d]", done, total)
	if len(parts) > 0 {
		out += " waiting: " + strings.Join(parts, ", ")
	}
	if queued > 0 {
		out += fmt.Sprintf("; %d queued", queued)
	}
	if last != "" {
		out += " (last: " + last + ")"
	}
	return out
}

// draw redraws the progress line on e's terminal every tick when it
// changed; stop ends it and clears the line.
func (fp *fleetProgress) draw(e *env, tick time.Duration) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(tick)
		defer t.Stop()
		for {
			if l := fp.line(); l != fp.drawn {
				fp.drawn = l
				e.progress("%s", l)
			}
			select {
			case <-done:
				e.progress("")
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}
