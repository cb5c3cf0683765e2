package i18n

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/message"
)

// verbs lists a format's verbs without their argument indexes, sorted.
func verbs(s string) []string {
	idx := regexp.MustCompile(`\[\d+\]`)
	var out []string
	for _, p := range Placeholders(s) {
		out = append(out, idx.ReplaceAllString(p, ""))
	}
	slices.Sort(out)
	return out
}

// TestCataloguesAgree: every translated id exists in English, with the same
// placeholders; indexed verbs (%[2]s) stay within the English count.
func TestCataloguesAgree(t *testing.T) {
	en := Messages("en")
	if len(en) < 200 {
		t.Fatalf("English catalogue has %d ids", len(en))
	}
	for _, code := range []string{"ko", "nl"} {
		m := Messages(code)
		for id := range en {
			if _, ok := m[id]; !ok {
				t.Errorf("%s: %s has no translation", code, id)
			}
		}
		for id, s := range m {
			e, ok := en[id]
			if !ok {
				t.Errorf("%s: %s is not in en.json", code, id)
				continue
			}
			if !slices.Equal(verbs(e), verbs(s)) {
				t.Errorf("%s: %s has placeholders %v, English %v", code, id, verbs(s), verbs(e))
			}
			for _, m := range regexp.MustCompile(`%\[(\d+)\]`).FindAllStringSubmatch(s, -1) {
				if n, _ := strconv.Atoi(m[1]); n < 1 || n > len(verbs(e)) {
					t.Errorf("%s: %s refers to argument %d of %d", code, id, n, len(verbs(e)))
				}
			}
		}
	}
}

// TestFallback: a message without a translation is English, never its id;
// every language formats every id.
func TestFallback(t *testing.T) {
	for _, code := range Codes() {
		p := New(code)
		for _, id := range IDs() {
			var args []any
			// In the English order (verbs sorts): %s and %d may mix.
			for i, v := range placeholder.FindAllString(Messages("en")[id], -1) {
				if v == "%d" {
					args = append(args, i+1)
				} else if v != "%%" {
					args = append(args, string(rune('A'+i)))
				}
			}
			got, ok := p.T(id, args...)
			if !ok || got == id || got == "" || strings.Contains(got, "%!") {
				t.Errorf("%s %s: %q", code, id, got)
			}
		}
	}
	if _, ok := New("ko").T("no.such.id"); ok {
		t.Error("an unknown id was found")
	}
	// Every shipped id is translated, so the fallback is shown on a
	// catalogue with a translation removed and one left empty.
	cats := map[string]map[string]string{"en": Messages("en"), "ko": Messages("ko"), "nl": Messages("nl")}
	delete(cats["ko"], "finding.misc.msg1")
	cats["nl"]["finding.misc.msg1"] = ""
	b := build(cats)
	for i, code := range Codes() {
		got := message.NewPrinter(Supported[i], message.Catalog(b)).Sprintf("finding.misc.msg1", "a.pem", "empty")
		if !strings.Contains(got, "a.pem holds no certificate") {
			t.Errorf("untranslated finding in %s is %q, want the English", code, got)
		}
	}
	if got := message.NewPrinter(Supported[1], message.Catalog(b)).Sprintf("finding.misc.msg2", "t", "a", "b", "c", "d", "e"); strings.Contains(got, "lists") {
		t.Errorf("a translated finding in ko is English: %q", got)
	}
}

func TestChoose(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	cases := []struct {
		flag string
		env  map[string]string
		want string
	}{
		{"", map[string]string{"LANG": "ko_KR.UTF-8"}, "ko"},
		{"", map[string]string{"LANG": "nl_NL@euro"}, "nl"},
		{"", map[string]string{"LC_ALL": "C", "LANG": "nl_BE.UTF-8"}, "nl"},
		{"", map[string]string{"LC_ALL": "POSIX", "LC_MESSAGES": "ko_KR", "LANG": "nl_NL"}, "ko"},
		{"", map[string]string{"OME_PREFLIGHT_LANG": "nl", "LANG": "ko_KR.UTF-8"}, "nl"},
		{"ko", map[string]string{"OME_PREFLIGHT_LANG": "nl"}, "ko"},
		{"", map[string]string{"LANG": "fr_FR.UTF-8"}, "en"},
		{"", map[string]string{"LANG": "C.UTF-8"}, "en"},
		{"", map[string]string{}, "en"},
	}
	for _, c := range cases {
		if got := Choose(c.flag, env(c.env)); got != c.want {
			t.Errorf("Choose(%q, %v) = %s, want %s", c.flag, c.env, got, c.want)
		}
	}
}

// TestIdentify: a finding's text maps to the entry that formats back to it;
// a text with no entry is Verbatim.
func TestIdentify(t *testing.T) {
	text := `row 2: source "Inter-CA1" issued by "Root-CA", target "Inter-CA2" issued by "Root-CA"`
	id, args := Identify("pair-ca-names", text)
	if id != "finding.pair-ca-names.msg4" || !slices.Equal(args, []string{"row 2", "Inter-CA1", "Root-CA", "Inter-CA2", "Root-CA"}) {
		t.Errorf("Identify = %s %v", id, args)
	}
	if s, _ := English(id, anys(args)...); s != text {
		t.Errorf("English(%s) = %q", id, s)
	}
	// A name with new lines (a hostile CN) is still an argument.
	if id, args := Identify("pair-ca-names", "row 2: source \"A\n# B\" issued by \"R\", target \"C\" issued by \"R\""); id != "finding.pair-ca-names.msg4" || args[1] != "A\n# B" {
		t.Errorf("Identify with a new line in an argument = %s %q", id, args)
	}
	if id, args := Identify("pair-ca-names", "something new"); id != Verbatim || !slices.Equal(args, []string{"something new"}) {
		t.Errorf("unknown text: %s %v", id, args)
	}
}

func FuzzIdentify(f *testing.F) {
	f.Add("pair-ca-names", `row 2: source "A" issued by "B", target "C" issued by "D"`)
	f.Add("", "%s%d%%")
	f.Fuzz(func(t *testing.T, rule, text string) {
		id, args := Identify(rule, text)
		if text == "" {
			return
		}
		if s, ok := English(id, anys(args)...); !ok || s != text {
			t.Errorf("Identify(%q) = %s %q, formats back to %q", text, id, args, s)
		}
	})
}

// TestDisplayLocaleMatch: Windows UI names match too.
func TestMatch(t *testing.T) {
	for in, want := range map[string]string{"ko-KR": "ko", "nl-BE": "nl", "en-US": "en", "ko": "ko"} {
		if got, ok := Match(in); !ok || got != want {
			t.Errorf("Match(%q) = %s %v", in, got, ok)
		}
	}
	for _, in := range []string{"", "C", "POSIX", "fr_FR", "xx-!!"} {
		if got, ok := Match(in); ok {
			t.Errorf("Match(%q) = %s", in, got)
		}
	}
}

// TestIdentifyReason: a reason many rules give is found among the shared
// reasons before another rule's generic entry ("%s: %s") takes it, and
// formats back to the text; Identify (JSON's message_id) is unchanged.
func TestIdentifyReason(t *testing.T) {
	for _, tc := range []struct {
		rule, text, id string
		args           []string
	}{
		{"api-version", "API not read: give --user (password from OME_PASSWORD or a prompt)", "reason.api-no-user", []string{}},
		{"api-ntp", "API not read: GET /api/ApplicationService/Info: remote error", "reason.api-not-read", []string{"GET /api/ApplicationService/Info: remote error"}},
		{"chain-order", "the target 10.0.0.6:443 was not reached", "reason.not-reached", []string{"target", "10.0.0.6:443"}},
		{"leaf-name", "no host name given: give --source-name with the name or IP the peer appliance uses", "reason.no-name", []string{"--source-name"}},
	} {
		id, args := IdentifyReason(tc.rule, tc.text)
		if id != tc.id || !slices.Equal(args, tc.args) {
			t.Errorf("IdentifyReason(%s, %q) = %s %q, want %s %q", tc.rule, tc.text, id, args, tc.id, tc.args)
		}
		if s, _ := English(id, anys(args)...); s != tc.text {
			t.Errorf("%s formats back to %q", id, s)
		}
		if ko, _ := New("ko").T(id, anys(args)...); ko == tc.text {
			t.Errorf("%s: no Korean", id)
		}
	}
	if id, _ := Identify("api-version", "API not read: give --user (password from OME_PASSWORD or a prompt)"); id == "reason.api-no-user" {
		t.Errorf("Identify (JSON's message_id) changed: %s", id)
	}
}
