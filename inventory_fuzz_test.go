package main

import "testing"

// FuzzInventory: no inventory panics the parser.
func FuzzInventory(f *testing.F) {
	f.Add([]byte("pairs:\n  - name: a\n    window: 4h\n    source: {address: 10.0.0.5, chain: a.pem}\n    target: {address: '[fd00::6]:443', clock: 2026-11-23T09:00:00Z}\n"))
	f.Add([]byte("pairs: [ {name: x, source: {chain: a}, target: {chain: b}} ]"))
	f.Add([]byte("&a [*a, *a]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		inv, err := ParseInventory("fuzz.yaml", data)
		if err == nil && len(inv.Pairs) == 0 {
			t.Fatal("no error and no pairs")
		}
	})
}
