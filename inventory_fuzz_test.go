package main

import (
	"bytes"
	"testing"

	"go.yaml.in/yaml/v3"
)

// FuzzInventory: no inventory panics the parser, and none with an anchor,
// alias or merge key is accepted.
func FuzzInventory(f *testing.F) {
	f.Add([]byte("pairs:\n  - name: a\n    window: 4h\n    source: {address: 10.0.0.5, chain: a.pem}\n    target: {address: '[fd00::6]:443', clock: 2026-11-23T09:00:00Z}\n"))
	f.Add([]byte("pairs: [ {name: x, source: {chain: a}, target: {chain: b}} ]"))
	f.Add([]byte("&a [*a, *a]"))
	f.Add([]byte("pairs:\n  - name: a\n    source: &s {chain: a.pem}\n    target: *s\n"))
	f.Add([]byte("pairs:\n  - name: a\n    source: {chain: a.pem}\n    target:\n      <<: {chain: b.pem}\n"))
	f.Add([]byte("base: &b {chain: a.pem}\npairs:\n  - name: a\n    source:\n      <<: *b\n    target: {<<: [*b, *b]}\n"))
	f.Add([]byte("a: &a [*a]\npairs: *a\n"))
	f.Add([]byte("pairs:\n  - name: a\n    source: {address: 10.0.0.5, user: admin, password_env: SRC_PW, name: ome.example.com, csr: a.csr}\n    target: {address: 10.0.0.6, password: hunter2}\n"))
	f.Add([]byte("pairs:\n  - source: {address: 10.0.0.5, password_env: '1 x', name: 'a b'}\n    target: {address: 10.0.0.6, user: 'a:b', password: {x: 1}}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		inv, err := ParseInventory("fuzz.yaml", data)
		if err == nil && len(inv.Pairs) == 0 {
			t.Fatal("no error and no pairs")
		}
		if err == nil {
			for _, p := range inv.Pairs {
				for _, sd := range []*InventorySide{p.Source, p.Target} {
					if sd.Password.Kind != 0 {
						t.Fatal("an inventory with a password key was accepted")
					}
					if sd.PasswordEnv != "" && !validEnvName(sd.PasswordEnv) {
						t.Fatalf("password_env %q accepted", sd.PasswordEnv)
					}
				}
			}
		}
		if err == nil && bytes.ContainsAny(data, "&*<") {
			var n yaml.Node
			if yaml.Unmarshal(data, &n) == nil && aliasNode(&n) != nil {
				t.Fatal("an inventory with an anchor, alias or merge key was accepted")
			}
		}
	})
}
