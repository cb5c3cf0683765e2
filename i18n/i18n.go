// Package i18n holds ome-preflight's message catalogues (English the
// source, Korean and Dutch translations, all embedded in the binary) and
// the choice of language, made once per run. Only human-facing text goes
// through it: JSON, OME's MessageIds and MessageArgs, log lines, API field
// names and openssl/certreq commands stay English.
//
// It uses golang.org/x/text: language matching (ko_KR.UTF-8, nl-BE and the
// Windows UI's "ko-KR" all resolve to a catalogue) and message/catalog for
// the lookups, already a dependency of the module.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"
)

//go:embed locales/*.json
var files embed.FS

// Supported lists the languages with a catalogue, English (the source)
// first.
var Supported = []language.Tag{language.English, language.Korean, language.Dutch}

// Codes are the values --lang accepts.
func Codes() []string { return []string{"en", "ko", "nl"} }

var matcher = language.NewMatcher(Supported)

// catalogues maps a language code to its messages (id -> format).
var catalogues = sync.OnceValue(func() map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, code := range Codes() {
		m, err := load(code)
		if err != nil {
			panic(err) // embedded at build time: a test reads every catalogue
		}
		out[code] = m
	}
	return out
})

func load(code string) (map[string]string, error) {
	b, err := files.ReadFile("locales/" + code + ".json")
	if err != nil {
		return nil, err
	}
	m := map[string]string{}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("i18n/locales/%s.json: %w", code, err)
	}
	return m, nil
}

// Messages returns a copy of a language's catalogue (for tests and tools).
func Messages(code string) map[string]string {
	m := map[string]string{}
	for k, v := range catalogues()[code] {
		m[k] = v
	}
	return m
}

// IDs lists the English catalogue's ids, sorted.
func IDs() []string {
	var ids []string
	for k := range catalogues()["en"] {
		ids = append(ids, k)
	}
	sort.Strings(ids)
	return ids
}

// Printer formats messages in one language.
type Printer struct {
	code string
	p    *message.Printer
	// wrap, for the test-only pseudo-locale, wraps each translated string.
	wrap func(string) string
}

// builder is the x/text catalogue: every language gets every English id,
// its own translation where it has one, else the English text, so that a
// missing translation falls back to English for that message, never to
// its id.
var builder = sync.OnceValue(func() *catalog.Builder { return build(catalogues()) })

// build makes the x/text catalogue from catalogues keyed by code.
func build(cats map[string]map[string]string) *catalog.Builder {
	b := catalog.NewBuilder(catalog.Fallback(language.English))
	en := cats["en"]
	for i, code := range Codes() {
		tag := Supported[i]
		own := cats[code]
		for id, enText := range en {
			text := enText
			if t, ok := own[id]; ok && t != "" {
				text = t
			}
			if err := b.SetString(tag, id, text); err != nil {
				panic(err)
			}
		}
	}
	return b
}

// New returns the printer for a language code ("en", "ko", "nl"; anything
// else is English).
func New(code string) *Printer {
	i := slices.Index(Codes(), code)
	if i < 0 {
		i, code = 0, "en"
	}
	return &Printer{code: code, p: message.NewPrinter(Supported[i], message.Catalog(builder()))}
}

// Code is the printer's language code.
func (p *Printer) Code() string { return p.code }

// Has reports whether id is in the English catalogue.
func Has(id string) bool { _, ok := catalogues()["en"][id]; return ok }

// T formats message id with args; ok is false when id is in no catalogue
// (the caller then keeps its English text).
func (p *Printer) T(id string, args ...any) (string, bool) {
	if !Has(id) {
		return "", false
	}
	s := p.p.Sprintf(id, args...)
	// Verbatim is English by definition: the pseudo-locale leaves it bare,
	// so that a text with no entry of its own shows.
	if p.wrap != nil && id != Verbatim {
		s = p.wrap(s)
	}
	return s, true
}

// English formats id in the source catalogue, whatever the run's language
// (JSON's message and fix fields).
func English(id string, args ...any) (string, bool) { return New("en").T(id, args...) }

var active atomic.Pointer[Printer]

// Use makes p the run's printer (run() calls it once, after reading --lang
// and the environment).
func Use(p *Printer) { active.Store(p) }

// Active is the run's printer (English until Use).
func Active() *Printer {
	if p := active.Load(); p != nil {
		return p
	}
	return New("en")
}

// T formats id in the run's language; an id with no catalogue entry comes
// back as fallback, never as the id.
func T(id, fallback string, args ...any) string {
	if s, ok := Active().T(id, args...); ok {
		return s
	}
	return fallback
}

// S is T for a fixed text whose English is its own fallback: the
// catalogue's English entry for id.
func S(id string, args ...any) string {
	if s, ok := Active().T(id, args...); ok {
		return s
	}
	return id // unreachable for ids the catalogue test lists
}

// Pseudo returns a test-only printer that wraps every catalogued string in
// ⟦…⟧, so that a run shows which human strings bypass the catalogue.
func Pseudo() *Printer {
	p := New("en")
	p.code = "en-XA"
	p.wrap = func(s string) string { return "⟦" + s + "⟧" }
	return p
}

var placeholder = regexp.MustCompile(`%(?:\[\d+\])?[-+# 0]*\d*(?:\.\d+)?[a-zA-Z%]`)

// Placeholders lists a format's verbs, sorted, for the catalogue test.
func Placeholders(s string) []string {
	ph := placeholder.FindAllString(s, -1)
	sort.Strings(ph)
	return ph
}

// Tag is the language tag of a code ("en" for anything unsupported), for
// the HTML's lang attribute.
func Tag(code string) string {
	if slices.Contains(Codes(), code) {
		return code
	}
	return "en"
}

// Match maps a locale name (--lang's value, a POSIX locale such as
// ko_KR.UTF-8, a Windows name such as nl-NL) to a catalogue code; ok is
// false when no catalogue matches.
func Match(locale string) (string, bool) {
	s := strings.TrimSpace(locale)
	if i := strings.IndexAny(s, ".@"); i >= 0 {
		s = s[:i]
	}
	s = strings.ReplaceAll(s, "_", "-")
	if s == "" || s == "C" || s == "POSIX" {
		return "", false
	}
	tag, err := language.Parse(s)
	if err != nil {
		return "", false
	}
	_, i, conf := matcher.Match(tag)
	if conf == language.No {
		return "", false
	}
	return Codes()[i], true
}

// Choose picks the run's language: flag (--lang) when set, else
// OME_PREFLIGHT_LANG, else LC_ALL, LC_MESSAGES, LANG (C and POSIX ignored),
// else the Windows user's UI languages, else English. getenv reads the
// environment (os.Getenv; tests their own). The first source that is set
// decides; a locale without a catalogue means English.
func Choose(flag string, getenv func(string) string) string {
	if flag != "" {
		if c, ok := Match(flag); ok {
			return c
		}
		return "en"
	}
	for _, v := range []string{"OME_PREFLIGHT_LANG", "LC_ALL", "LC_MESSAGES", "LANG"} {
		val := strings.TrimSpace(getenv(v))
		if val == "" || val == "C" || val == "POSIX" || strings.HasPrefix(val, "C.") || strings.HasPrefix(val, "POSIX.") {
			continue
		}
		if c, ok := Match(val); ok {
			return c
		}
		return "en"
	}
	for _, l := range uiLanguages() {
		if c, ok := Match(l); ok {
			return c
		}
	}
	return "en"
}
