package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/ome-preflight/ome-preflight/chain"
)

// Inventory is the checklist's input, a YAML file admins edit by hand.
type Inventory struct {
	// Template is the AD CS template dump (certutil -v -dstemplate NAME)
	// every pair's certificates are issued from, unless a pair names its
	// own.
	Template string          `yaml:"template"`
	Pairs    []InventoryPair `yaml:"pairs"`
}

// InventoryPair is one migration: a source and a target appliance.
type InventoryPair struct {
	Name   string `yaml:"name"`
	Window string `yaml:"window"`
	// Template is the AD CS template dump the pair's certificates are
	// issued from (certutil -v -dstemplate NAME > FILE).
	Template string         `yaml:"template"`
	Source   *InventorySide `yaml:"source"`
	Target   *InventorySide `yaml:"target"`
	window   time.Duration
}

// InventorySide is one appliance: an address and/or a chain file.
type InventorySide struct {
	Address string `yaml:"address"`
	Chain   string `yaml:"chain"`
	// CSR is the CSR generated on the appliance (csr-key, csr-wildcard).
	CSR   string `yaml:"csr"`
	Clock string `yaml:"clock"`
	// Fingerprint pins the appliance's leaf (SHA-256 of the certificate or
	// its public key) for credentials when no chain is given.
	Fingerprint string `yaml:"fingerprint"`
	// Name is the host name (or IP) the peer dials to reach this
	// appliance, for leaf-name.
	Name string `yaml:"name"`
	// User reads this appliance's API (default: the checklist's --user);
	// PasswordEnv names the environment variable that holds its password
	// (default: OME_SOURCE_PASSWORD or OME_TARGET_PASSWORD, then
	// OME_PASSWORD). An inventory never holds a password.
	User        string `yaml:"user"`
	PasswordEnv string `yaml:"password_env"`
	// Password is decoded only to refuse it, saying what to do instead; its
	// value is never read or printed.
	Password yaml.Node `yaml:"password"`
	clock    time.Time
}

// validEnvName is what password_env may name: a portable environment
// variable name (letters, digits, _; not starting with a digit).
func validEnvName(s string) bool {
	for i, r := range s {
		if !(r == '_' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return s != ""
}

// validHostName: a DNS name or an IP address (no port, no brackets), as a
// peer dials it.
func validHostName(s string) bool {
	if net.ParseIP(s) != nil {
		return true
	}
	if s == "" || len(s) > 253 {
		return false
	}
	for _, r := range s {
		if !(r == '-' || r == '.' || r == '_' || r == '*' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// maxPairs bounds an inventory: hundreds of pairs is the expected scale.
const maxPairs = 5000

// LoadInventory reads and validates an inventory. Relative paths resolve
// against the inventory's folder. Every error names the file and the pair.
func LoadInventory(path string) (*Inventory, error) {
	data, err := chain.ReadLimited(path)
	if err != nil {
		return nil, err
	}
	return ParseInventory(path, data)
}

// ParseInventory parses inventory bytes; see LoadInventory.
func ParseInventory(path string, data []byte) (*Inventory, error) {
	bad := func(format string, args ...any) error {
		return usageHints([]string{"an inventory is: [template: FILE,] pairs: [ {name, window, template, source: {address, chain, csr, clock, fingerprint, name, user, password_env}, target: {...}} ]"},
			"%s: "+format, append([]any{path}, args...)...)
	}
	// The document is read as a tree first, and refused with any anchor,
	// alias or merge key, before it is decoded into the inventory.
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, bad("empty inventory")
		}
		if line := tabIndented(data); line > 0 {
			return nil, usageHints([]string{"replace the tabs at the start of the lines with spaces (two per level, as in the README's inventory)"},
				"%s: line %d: a tab in the indentation: YAML indents with spaces only", path, line)
		}
		return nil, bad("%v", yamlWords(err))
	}
	if n := aliasNode(&doc); n != nil {
		what := "an alias (*" + n.Value + ")"
		switch {
		case n.Kind != yaml.AliasNode && n.Anchor != "":
			what = "an anchor (&" + n.Anchor + ")"
		case n.Kind != yaml.AliasNode:
			what = "a merge key (<<)"
		}
		return nil, usageHints([]string{"write each pair's source and target out in full"},
			"%s: line %d: %s is refused: an inventory is a short list, and an alias hides what a pair really checks", path, n.Line, what)
	}
	var inv Inventory
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&inv); err != nil {
		return nil, bad("%v", yamlWords(err))
	}
	if len(inv.Pairs) == 0 {
		return nil, bad("no pairs")
	}
	if len(inv.Pairs) > maxPairs {
		return nil, bad("%d pairs; at most %d", len(inv.Pairs), maxPairs)
	}
	dir := filepath.Dir(path)
	seen := map[string]bool{}
	for i := range inv.Pairs {
		p := &inv.Pairs[i]
		if p.Name == "" {
			p.Name = fmt.Sprintf("pair-%d", i+1)
		}
		if seen[p.Name] {
			return nil, bad("pair %q appears twice", p.Name)
		}
		seen[p.Name] = true
		if p.Window != "" {
			d, err := parseDuration(p.Window)
			if err != nil || d < 0 {
				return nil, bad("pair %q: window %q is not a duration like 4h or 90m", p.Name, p.Window)
			}
			p.window = d
		}
		if p.Template == "" {
			p.Template = inv.Template
		}
		if p.Template != "" {
			if !filepath.IsAbs(p.Template) {
				p.Template = filepath.Join(dir, p.Template)
			}
			if st, err := os.Stat(p.Template); err != nil || st.IsDir() {
				return nil, bad("pair %q: template file %s cannot be read (the output of certutil -v -dstemplate NAME, saved to a file)", p.Name, p.Template)
			}
		}
		for _, s := range []struct {
			name string
			side *InventorySide
		}{{"source", p.Source}, {"target", p.Target}} {
			if s.side == nil {
				return nil, bad("pair %q has no %s", p.Name, s.name)
			}
			if s.side.Password.Kind != 0 {
				return nil, usageHints([]string{fmt.Sprintf("put the password in an environment variable and name it instead: password_env: OME_%s_PASSWORD (export it before running the checklist)", envName(p.Name, s.name)),
					"then remove the password line from the file and from any copy of it"},
					"%s: line %d: pair %q: the %s has a password key, refused: an inventory never holds a password", path, s.side.Password.Line, p.Name, s.name)
			}
			if s.side.PasswordEnv != "" && !validEnvName(s.side.PasswordEnv) {
				// Not echoed: it may be a password put in the wrong place.
				return nil, bad("pair %q: %s password_env is not an environment variable name (letters, digits and _, not starting with a digit): it names the variable that holds the password, never the password itself", p.Name, s.name)
			}
			if strings.ContainsAny(s.side.User, ":\r\n") {
				return nil, bad("pair %q: %s user %q: a user name has no colon or line break", p.Name, s.name, s.side.User)
			}
			if s.side.Name != "" {
				if !validHostName(s.side.Name) {
					return nil, bad("pair %q: %s name %q is not a host name or IP address (the name the peer dials to reach it, without a port)", p.Name, s.name, s.side.Name)
				}
			}
			if s.side.Address == "" && s.side.Chain == "" {
				return nil, bad("pair %q: the %s needs an address or a chain", p.Name, s.name)
			}
			if s.side.Address != "" {
				a, err := applianceAddress(s.side.Address)
				if err != nil {
					return nil, usageHints(hintsFor(err), "%s: pair %q: %s address: %v", path, p.Name, s.name, err)
				}
				s.side.Address = a
			}
			for _, f := range []*string{&s.side.Chain, &s.side.CSR} {
				if *f == "" {
					continue
				}
				if !filepath.IsAbs(*f) {
					*f = filepath.Join(dir, *f)
				}
				if st, err := os.Stat(*f); err != nil || st.IsDir() {
					return nil, bad("pair %q: %s file %s cannot be read", p.Name, s.name, *f)
				}
			}
			if s.side.Clock != "" {
				t, err := time.Parse(time.RFC3339, s.side.Clock)
				if err != nil {
					return nil, bad("pair %q: %s clock %q is not RFC 3339 (2026-11-23T09:00:00Z)", p.Name, s.name, s.side.Clock)
				}
				s.side.clock = t.UTC()
			}
		}
	}
	return &inv, nil
}

// envName is a suggested variable name for a pair's side: letters and
// digits of the pair's name, upper case, e.g. DC1_MIGRATION_TARGET.
func envName(pair, side string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(pair + "_" + side) {
		switch {
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}

// aliasNode is the first node (in document order) of n that is an alias,
// carries an anchor or is a merge key, or nil.
func aliasNode(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.AliasNode || n.Anchor != "" || n.ShortTag() == "!!merge" {
		return n
	}
	for i, c := range n.Content {
		if n.Kind == yaml.MappingNode && i%2 == 0 && c.Kind == yaml.ScalarNode && c.Value == "<<" && c.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle) == 0 {
			return c // a merge key whatever its tag says
		}
		if a := aliasNode(c); a != nil {
			return a
		}
	}
	return nil
}

// tabIndented is the first line (from 1) whose indentation holds a tab,
// or 0: YAML forbids tabs there, and the parser's own words for it ("found
// character that cannot start any token") do not say so.
func tabIndented(data []byte) int {
	for i, line := range bytes.Split(data, []byte("\n")) {
		indent := line[:len(line)-len(bytes.TrimLeft(line, " \t"))]
		if bytes.IndexByte(indent, '\t') >= 0 && len(bytes.TrimSpace(line)) > 0 {
			return i + 1
		}
	}
	return 0
}

// inventoryKeys are the keys each kind of mapping in an inventory takes,
// by the Go type yaml names in its errors, read from the yaml tags
// (password is decoded only to be refused: it is not offered).
var inventoryKeys = sync.OnceValue(func() map[string][]string {
	keys := map[string][]string{}
	for _, v := range []any{Inventory{}, InventoryPair{}, InventorySide{}} {
		t := reflect.TypeOf(v)
		for f := range t.Fields() {
			if name, _, _ := strings.Cut(f.Tag.Get("yaml"), ","); name != "" && name != "-" && name != "password" && f.IsExported() {
				keys[t.String()] = append(keys[t.String()], name)
			}
		}
	}
	return keys
})

// yamlKeyRe matches yaml's error for a key no field takes.
var yamlKeyRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^line (\d+): field (.+) not found in type (\S+)$`)
})

// unknownKey words yaml's "field sorce not found in type
// main.InventoryPair" in the inventory's terms, with the nearest key: ok is
// false when e is not that error.
func unknownKey(e string) (error, bool) {
	m := yamlKeyRe().FindStringSubmatch(e)
	if m == nil {
		return nil, false
	}
	keys := inventoryKeys()[m[3]]
	where := map[string]string{"main.Inventory": "the inventory", "main.InventoryPair": "a pair", "main.InventorySide": "a side (source or target)"}[m[3]]
	if where == "" || len(keys) == 0 {
		return nil, false
	}
	best, dist := "", max(2, len(m[2])/4)+1
	for _, k := range keys {
		if d := editDistance(strings.ToLower(m[2]), k); d < dist {
			best, dist = k, d
		}
	}
	in := &textError{format: where}
	if best != "" {
		return &textError{format: "line %s: unknown key %q in %v (did you mean %q?); its keys are %s", args: []any{m[1], m[2], in, best, strings.Join(keys, ", ")}}, true
	}
	return &textError{format: "line %s: unknown key %q in %v; its keys are %s", args: []any{m[1], m[2], in, strings.Join(keys, ", ")}}, true
}

// yamlTypeRe is compiled on first use: a regexp compiled at package init
// is paid by every command, check and compare included.
var yamlTypeRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile("^line (\\d+): cannot unmarshal !!(\\w+)(?: `([^`]*)`)? into (\\S+)$")
})

// yamlWords says a YAML decoding error in the inventory's terms, never in
// Go type names: "line 3: a side (source or target) must be a mapping
// {address, chain, csr, clock}, not text "x"".
func yamlWords(err error) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return errors.New(strings.TrimPrefix(err.Error(), "yaml: ")) // the parser's words
	}
	kinds := map[string]string{"str": "text", "seq": "a list", "map": "a mapping", "int": "a number", "float": "a number", "bool": "true or false", "null": "nothing"}
	wants := map[string]string{
		"main.Inventory":       "the inventory must be a mapping: pairs: [ ... ]",
		"[]main.InventoryPair": "pairs must be a list of pairs",
		"main.InventoryPair":   "a pair must be a mapping {name, window, source, target}",
		"main.InventorySide":   "a side (source or target) must be a mapping {address, chain, csr, clock, fingerprint, name, user, password_env}",
		"string":               "this value must be text (a name, a file, an address, a duration such as 4h or 2d, an RFC 3339 time)",
	}
	var out yamlErrors
	for _, e := range te.Errors {
		if k, ok := unknownKey(e); ok {
			out = append(out, k)
			continue
		}
		m := yamlTypeRe().FindStringSubmatch(e)
		if m == nil {
			out = append(out, errors.New(e))
			continue
		}
		want, ok := wants[m[4]]
		if !ok {
			want = "this value has the wrong kind"
		}
		var got any = m[2]
		if k, ok := kinds[m[2]]; ok {
			got = &textError{format: k}
		}
		if m[3] != "" {
			out = append(out, &textError{format: "line %s: %v, not %v %q", args: []any{m[1], &textError{format: want}, got, m[3]}})
			continue
		}
		out = append(out, &textError{format: "line %s: %v, not %v", args: []any{m[1], &textError{format: want}, got}})
	}
	return out
}

// yamlErrors are the decoder's errors in the inventory's terms, one after
// the other.
type yamlErrors []error

func (y yamlErrors) Error() string {
	var out []string
	for _, e := range y {
		out = append(out, e.Error())
	}
	return strings.Join(out, "; ")
}

func (y yamlErrors) Unwrap() []error { return y }
