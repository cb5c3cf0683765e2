package i18n

import (
	"regexp"
	"sort"
	"strings"
	"sync"
)

// Verbatim is the id of a text with no catalogue entry of its own: its one
// argument is the English text.
const Verbatim = "finding.verbatim"

type pattern struct {
	id string
	re *regexp.Regexp
	// literal is the entry's longest fixed part: a text without it cannot
	// match, which strings.Contains tells faster than the expression.
	literal string
}

// patterns are the English catalogue's finding, reason and fix entries as
// regular expressions (every verb is %s), grouped by rule id.
var patterns = sync.OnceValue(func() map[string][]pattern {
	out := map[string][]pattern{}
	for _, id := range IDs() {
		var rule string
		switch {
		case strings.HasPrefix(id, "finding."):
			rule, _, _ = strings.Cut(strings.TrimPrefix(id, "finding."), ".")
		case strings.HasPrefix(id, "rule.") && (strings.HasSuffix(id, ".fix") || strings.HasSuffix(id, ".description")):
			rule, _, _ = strings.Cut(strings.TrimPrefix(id, "rule."), ".")
		default:
			continue
		}
		if id == Verbatim {
			continue
		}
		out[rule] = append(out[rule], compile(id))
	}
	for _, ps := range out {
		bySpecificity(ps)
	}
	return out
})

// compile is the English entry id as a regular expression, each %s a
// capture.
func compile(id string) pattern {
	en := catalogues()["en"][id]
	var b strings.Builder
	// (?s): an argument (a certificate's name) may hold new lines.
	b.WriteString(`(?s)^`)
	literal := ""
	for i, part := range strings.Split(en, "%s") {
		if i > 0 {
			b.WriteString(`(.*?)`)
		}
		part = strings.ReplaceAll(part, "%%", "%")
		b.WriteString(regexp.QuoteMeta(part))
		if len(part) > len(literal) {
			literal = part
		}
	}
	b.WriteString(`$`)
	return pattern{id, regexp.MustCompile(b.String()), literal}
}

// bySpecificity puts the longer (more literal) patterns first.
func bySpecificity(ps []pattern) {
	sort.SliceStable(ps, func(i, j int) bool { return len(ps[i].re.String()) > len(ps[j].re.String()) })
}

var (
	prefixMu    sync.Mutex
	prefixCache = map[string][]pattern{}
)

// prefixPatterns are the catalogue's entries whose ids start with prefix,
// most specific first: the shared not-checked reasons (reason.*: one text
// that many rules give, "the source ... was not reached"), explain's
// causes, fixes and notes (explain.*).
func prefixPatterns(prefix string) []pattern {
	prefixMu.Lock()
	defer prefixMu.Unlock()
	if ps, ok := prefixCache[prefix]; ok {
		return ps
	}
	var ps []pattern
	for _, id := range IDs() {
		if strings.HasPrefix(id, prefix) {
			ps = append(ps, compile(id))
		}
	}
	bySpecificity(ps)
	prefixCache[prefix] = ps
	return ps
}

// IdentifyPrefix finds text's entry among the ids starting with prefix;
// ok is false when none formats back to text.
func IdentifyPrefix(prefix, text string) (string, []string, bool) {
	return match(prefixPatterns(prefix), text)
}

// IdentifyReason is Identify for a check's not-checked reason: the shared
// reasons (reason.*) are tried first, so that a reason common to many
// rules does not fall to another rule's generic entry ("%s: %s").
// Renderers only: JSON's message_id stays Identify's.
func IdentifyReason(rule, text string) (string, []string) {
	if id, args, ok := IdentifyPrefix("reason.", text); ok {
		return id, args
	}
	return Identify(rule, text)
}

// match is the first of ps that formats back to text exactly.
func match(ps []pattern, text string) (string, []string, bool) {
	for _, p := range ps {
		if !strings.Contains(text, p.literal) {
			continue
		}
		m := p.re.FindStringSubmatch(text)
		if m == nil {
			continue
		}
		args := append([]string{}, m[1:]...)
		if s, ok := English(p.id, anys(args)...); ok && s == text {
			return p.id, args, true
		}
	}
	return "", nil, false
}

// Identify finds text's catalogue entry: the English entry that, formatted
// with the arguments it captures, gives text back exactly. Entries of rule
// are tried first, then every rule's. With none, the id is Verbatim and the
// one argument text itself, so that every text has an id that formats back
// to it.
func Identify(rule, text string) (string, []string) {
	if text == "" {
		return "", []string{}
	}
	ps := patterns()
	try := func(list []pattern) (string, []string, bool) { return match(list, text) }
	if id, args, ok := try(ps[rule]); ok {
		return id, args
	}
	rules := make([]string, 0, len(ps))
	for r := range ps {
		if r != rule {
			rules = append(rules, r)
		}
	}
	sort.Strings(rules)
	for _, r := range rules {
		if id, args, ok := try(ps[r]); ok {
			return id, args
		}
	}
	return Verbatim, []string{text}
}

// Localise is text in the run's language: id with args when the catalogue
// has it, else the English text as given.
//
// A shared text (shared.*: one that several rules write, such as the AD CS
// console steps of the template rules) is found first, and an argument
// that is itself a catalogued phrase (arg.*, shared.*: a template's label,
// a console step) is put in the run's language too. For human output
// only: JSON's message_id and message_args stay Identify's.
func Localise(id string, args []string, english string) string {
	if id == "" {
		return english
	}
	if sid, sargs, ok := IdentifyPrefix("shared.", english); ok {
		id, args = sid, sargs
	}
	return T(id, english, localiseArgs(args, 0)...)
}

// localiseArgs puts the arguments that are catalogued phrases in the run's
// language, nested at most three deep.
func localiseArgs(args []string, depth int) []any {
	out := anys(args)
	if depth >= 3 {
		return out
	}
	for i, a := range args {
		for _, prefix := range []string{"arg.", "shared."} {
			if id, aa, ok := IdentifyPrefix(prefix, a); ok {
				out[i] = T(id, a, localiseArgs(aa, depth+1)...)
				break
			}
		}
	}
	return out
}

func anys(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// Text is a human text found by its English among the entries whose ids
// start with prefix, in the run's language; as given when none formats
// back to it (the command's talk on stderr: assemble's changes).
func Text(prefix, english string) string {
	if id, args, ok := IdentifyPrefix(prefix, english); ok {
		return Localise(id, args, english)
	}
	return english
}

var (
	byEnglishOnce sync.Once
	byEnglish     map[string]string
)

// ByEnglish is the id, among those whose first segment is prefix ("error."),
// whose English entry is english itself (a format such as "bad --mode %q",
// its verbs as written): an exact lookup, for a text whose format is known.
func ByEnglish(prefix, english string) (string, bool) {
	byEnglishOnce.Do(func() {
		byEnglish = map[string]string{}
		for id, en := range catalogues()["en"] {
			byEnglish[id[:strings.IndexByte(id+".", '.')+1]+"\x00"+en] = id
		}
	})
	id, ok := byEnglish[prefix+"\x00"+english]
	return id, ok
}
