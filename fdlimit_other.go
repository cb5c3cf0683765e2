//go:build !unix

package main

// openFileLimit is unknown here (0): autoParallel then assumes a modest
// limit.
func openFileLimit() uint64 { return 0 }
