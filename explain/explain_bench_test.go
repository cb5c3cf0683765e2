package explain

import (
	"encoding/json"
	"fmt"
	rpt "github.com/ome-preflight/ome-preflight/report"
	"io"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"testing"
	"time"
)

// logGen writes a log of about size bytes on the fly, an entry at a time,
// so that the benchmark measures explain's memory and not the input's.
type logGen struct {
	size, written int64
	entry         func(i int) string
	i             int
	pending       string
}

func (g *logGen) Read(p []byte) (int, error) {
	if g.pending == "" {
		if g.written >= g.size {
			return 0, io.EOF
		}
		g.pending = g.entry(g.i)
		g.i++
	}
	n := copy(p, g.pending)
	g.pending = g.pending[n:]
	g.written += int64(n)
	return n, nil
}

// amplifyingEntry is a log entry of about 1 MB: one JSON body of about
// 22,000 tiny messages, each with its own arguments (the worst case for
// grouping).
func amplifyingEntry(i int) string {
	var b strings.Builder
	b.Grow(1 << 20)
	fmt.Fprintf(&b, `[ERROR] 2024-01-25 11:%02d:%02d.000 [x] SSLController - uploadNewCertificateChain(): {"error":{"@Message.ExtendedInfo":[`, i/60%60, i%60)
	for j := 0; b.Len() < 1000_000; j++ {
		if j > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"MessageId":"CGEN1008","MessageArgs":["%d.%d"]}`, i, j)
	}
	b.WriteString("]}}\n")
	return b.String()
}

// ordinaryEntry is a real CGEN1008 log line (about 470 bytes); every
// 50th is another error, every 1000th an INFO line.
func ordinaryEntry(i int) string {
	when := fmt.Sprintf("2024-01-25 %02d:%02d:%02d.%03d", i/3600000%24, i/60000%60, i/1000%60, i%1000)
	switch {
	case i%1000 == 999:
		return "[INFO ] " + when + " [http-nio-8080-exec-3] SSLController - uploadNewCertificateChain(): start\n"
	case i%50 == 49:
		return cgen1008Line(when, "Invalid certificate chain provided.")
	}
	return cgen1008Line(when, "Invalid CSR key.")
}

// peakHeap samples the heap's live and not yet swept objects until stop
// is called, and returns the largest value seen, in bytes.
func peakHeap() (stop func() uint64) {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var peak uint64
	read := func() {
		metrics.Read(sample)
		if v := sample[0].Value.Uint64(); v > peak {
			peak = v
		}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				read()
			}
		}
	}()
	return func() uint64 {
		close(done)
		wg.Wait()
		read()
		return peak
	}
}

type countWriter struct{ n int64 }

func (w *countWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

// BenchmarkExplainMemory runs explain, and encodes its JSON report, on
// logs of 1, 10 and 100 MB of two shapes: entries that are JSON bodies of
// thousands of tiny messages, and ordinary CGEN1008 lines. It reports the
// peak heap (MB, sampled every millisecond: live objects and garbage not
// yet swept), what the report retains after a GC (MB), the bytes
// allocated in all (MB) and the JSON report's size (KB); peak and retained
// must stay flat as the log grows. Run it once:
//
//	go test ./pairing -run '^$' -bench ExplainMemory -benchtime 1x
func BenchmarkExplainMemory(b *testing.B) {
	for _, shape := range []struct {
		name  string
		entry func(int) string
	}{{"amplifying", amplifyingEntry}, {"ordinary", ordinaryEntry}} {
		for _, mb := range []int64{1, 10, 100} {
			b.Run(fmt.Sprintf("%s/%dMB", shape.name, mb), func(b *testing.B) {
				size := mb << 20
				b.SetBytes(size)
				var peak, alloc, retained uint64
				var report int64
				for i := 0; i < b.N; i++ {
					b.StopTimer()
					runtime.GC()
					var before runtime.MemStats
					runtime.ReadMemStats(&before)
					stop := peakHeap()
					b.StartTimer()
					rep, err := Explain("application.log", &logGen{size: size, entry: shape.entry})
					if err != nil {
						b.Fatal(err)
					}
					w := &countWriter{}
					enc := json.NewEncoder(w)
					enc.SetIndent("", "  ")
					if err := enc.Encode(rep); err != nil {
						b.Fatal(err)
					}
					b.StopTimer()
					if p := stop(); p > peak {
						peak = p
					}
					var after runtime.MemStats
					runtime.ReadMemStats(&after)
					alloc += after.TotalAlloc - before.TotalAlloc
					// What the report keeps: the live heap once the
					// garbage is collected, with the report still held.
					runtime.GC()
					var kept runtime.MemStats
					runtime.ReadMemStats(&kept)
					if kept.HeapAlloc > before.HeapAlloc && kept.HeapAlloc-before.HeapAlloc > retained {
						retained = kept.HeapAlloc - before.HeapAlloc
					}
					report = w.n
					if len(rep.Entries) == 0 || len(rep.Entries) > rpt.MaxExplainEntries {
						b.Fatalf("%d entries", len(rep.Entries))
					}
					runtime.KeepAlive(rep)
					b.StartTimer()
				}
				b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
				b.ReportMetric(float64(retained)/(1<<20), "retained-MB")
				b.ReportMetric(float64(alloc)/float64(b.N)/(1<<20), "alloc-MB/op")
				b.ReportMetric(float64(report)/(1<<10), "report-KB")
			})
		}
	}
}
