//go:build unix

package main

import "syscall"

// openFileLimit is this process's RLIMIT_NOFILE soft limit (Go raises it
// to the hard limit at start-up; unlimited reads as a huge number), or 0
// when it cannot be read.
func openFileLimit() uint64 {
	var l syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l); err != nil || l.Cur == 0 {
		return 0
	}
	return uint64(l.Cur)
}
