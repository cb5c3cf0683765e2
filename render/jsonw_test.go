package render

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ome-preflight/ome-preflight/chain"
	"github.com/ome-preflight/ome-preflight/fixtures"
	"github.com/ome-preflight/ome-preflight/pairing"
)

// Strings that exercise every escaping rule of encoding/json.
var trickyStrings = []string{
	"", "plain", `quote " and \ backslash`, "<script>&amp;</script>", "tab\tnew\nline\rcr",
	"\b\f\x00\x01\x1f\x7f", "bad \xff\xfe utf-8", "line\u2028para\u2029", "CN=é,O=日本",
	"\x1b[31mred\x1b[0m", "emoji 🙂", "\xed\xa0\x80 surrogate",
}

// fill sets every exported field of v, recursively, from rnd: nil and empty
// slices, nil pointers, tricky strings, times in other zones with
// nanoseconds, floats on both sides of encoding/json's exponent cut-offs.
func fill(rnd *rand.Rand, v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		if rnd.IntN(3) == 0 {
			b := make([]byte, rnd.IntN(12))
			for i := range b {
				b[i] = byte(rnd.IntN(256))
			}
			v.SetString(string(b))
		} else {
			v.SetString(trickyStrings[rnd.IntN(len(trickyStrings))])
		}
	case reflect.Int, reflect.Int64:
		v.SetInt(rnd.Int64N(2000) - 1000)
	case reflect.Bool:
		v.SetBool(rnd.IntN(2) == 0)
	case reflect.Float64:
		fs := []float64{0, 1, -2.5, 1e-7, 1.5e-9, 1e21, 3.2e22, 123456789.125, 1e20, -1e-6, rnd.NormFloat64() * 1e6}
		v.SetFloat(fs[rnd.IntN(len(fs))])
	case reflect.Pointer:
		if rnd.IntN(4) == 0 {
			v.SetZero()
			return
		}
		p := reflect.New(v.Type().Elem())
		fill(rnd, p.Elem())
		v.Set(p)
	case reflect.Slice:
		switch rnd.IntN(5) {
		case 0:
			v.SetZero()
		case 1:
			v.Set(reflect.MakeSlice(v.Type(), 0, 0))
		default:
			s := reflect.MakeSlice(v.Type(), 1+rnd.IntN(3), 4)
			for i := range s.Len() {
				fill(rnd, s.Index(i))
			}
			v.Set(s)
		}
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			zone := time.FixedZone("Z", (rnd.IntN(27)-12)*3600+rnd.IntN(2)*1800)
			if rnd.IntN(3) == 0 {
				zone = time.UTC
			}
			t := time.Date(1900+rnd.IntN(200), time.Month(1+rnd.IntN(12)), 1+rnd.IntN(28), rnd.IntN(24), rnd.IntN(60), rnd.IntN(60), rnd.IntN(3)*rnd.IntN(1e9), zone)
			v.Set(reflect.ValueOf(t))
			return
		}
		for i := range v.NumField() {
			if f := v.Type().Field(i); f.IsExported() || f.Anonymous {
				fill(rnd, v.Field(i))
			}
		}
	default:
		panic("fill: no rule for " + v.Type().String())
	}
}

func encodingJSON(t *testing.T, v any) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := RenderJSON(&b, v); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// The hand-written JSON of check and compare is byte for byte what
// encoding/json writes for the same views, for views with every field set
// at random (and each pointer and slice sometimes nil or empty).
func TestJSONWriterMatchesEncodingJSON(t *testing.T) {
	rnd := rand.New(rand.NewPCG(11, 2026))
	for i := range 400 {
		var v any
		if i%2 == 0 {
			var c checkView
			fill(rnd, reflect.ValueOf(&c).Elem())
			v = c
		} else {
			var c compareView
			fill(rnd, reflect.ValueOf(&c).Elem())
			v = c
		}
		want := encodingJSON(t, v)
		var got bytes.Buffer
		if err := writeJSON(&got, v); err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		if !bytes.Equal(got.Bytes(), want) {
			t.Fatalf("case %d differs from encoding/json:\n%s\nwant\n%s", i, firstDiff(got.String(), string(want)), want)
		}
	}
}

// Each view field is reached by fill: a view type with a field of a kind
// fill does not know panics above, and every JSON name encoding/json writes
// for a fully filled view appears in the writer's output.
func TestJSONWriterCoversEveryField(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	names := map[string]bool{}
	for range 50 {
		var c compareView
		fill(rnd, reflect.ValueOf(&c).Elem())
		var got bytes.Buffer
		if err := writeJSON(&got, c); err != nil {
			t.Fatal(err)
		}
		var m any
		if err := json.Unmarshal(got.Bytes(), &m); err != nil {
			t.Fatalf("the writer's output is not JSON: %v", err)
		}
		collectKeys(m, names)
	}
	for _, want := range []string{"schema_version", "evaluated_at", "path_position", "fix_first", "consequence_of", "skew_seconds", "same_key", "clock_source", "inferred", "reason", "incomplete", "scope", "wizard_message", "spki_sha256", "ome_message_args", "error"} {
		if !names[want] {
			t.Errorf("no %q written in 50 random compare views", want)
		}
	}
}

func collectKeys(v any, into map[string]bool) {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			into[k] = true
			collectKeys(e, into)
		}
	case []any:
		for _, e := range v {
			collectKeys(e, into)
		}
	}
}

// A value encoding/json refuses (a year after 9999, a NaN) is refused by
// the writer too, and nothing is written.
func TestJSONWriterRefusesWhatEncodingJSONRefuses(t *testing.T) {
	late := time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	var c compareView
	c.Trust = []pairing.TrustCheck{{At: late}}
	var b bytes.Buffer
	if err := writeJSON(&b, c); err == nil || b.Len() != 0 {
		t.Errorf("year 10000: err %v, %d bytes written", err, b.Len())
	}
	if err := RenderJSON(&b, c); err == nil {
		t.Fatal("encoding/json accepted year 10000: the premise of this test changed")
	}
	var nan compareView
	nan.Clocks = &pairing.ClockInfo{SkewSeconds: zero / zero}
	if err := writeJSON(&b, nan); err == nil || b.Len() != 0 {
		t.Errorf("NaN: err %v, %d bytes written", err, b.Len())
	}
}

var zero float64

// Every lab scenario renders the same JSON through the writer as through
// encoding/json on the full report type.
func TestJSONWriterLabScenarios(t *testing.T) {
	at := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	n := 0
	for _, sc := range fixtures.Scenarios() {
		files := map[string][]byte{}
		for _, f := range sc.Build(at) {
			files[f.Name] = f.Data
		}
		read := func(name string) *chain.Input {
			in, err := chain.Parse(name, files[name], chain.Options{Password: func() (string, error) { return "lab", nil }})
			if err != nil {
				t.Fatalf("%s: %s: %v", sc.Name, name, err)
			}
			return in
		}
		var r *pairing.Report
		if sc.Command == "check" {
			r = pairing.Check(pairing.CheckOptions{Input: read(sc.Positional[0]), At: at})
		} else {
			r = pairing.Compare(pairing.CompareOptions{Source: read(sc.Positional[0]), Target: read(sc.Positional[1]), SourceTime: at, TargetTime: at.Add(time.Minute)})
		}
		var got bytes.Buffer
		if err := Render(&got, r, "json", RenderOptions{}); err != nil {
			t.Fatal(err)
		}
		if want := encodingJSON(t, r); !bytes.Equal(got.Bytes(), want) {
			t.Errorf("%s: %s", sc.Name, firstDiff(got.String(), string(want)))
		}
		n++
	}
	if n < 5 {
		t.Fatalf("only %d lab scenarios", n)
	}
}

func FuzzJSONString(f *testing.F) {
	for _, s := range trickyStrings {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
		want := strings.TrimSuffix(b.String(), "\n")
		if got := string(appendJSONString(nil, s)); got != want {
			t.Errorf("%q: got %s, want %s", s, got, want)
		}
	})
}

func firstDiff(got, want string) string {
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	lo := max(0, i-80)
	return "first difference at byte " + strconv.Itoa(i) + ":\n got: " + clip(got[lo:], 160) + "\nwant: " + clip(want[lo:], 160)
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
