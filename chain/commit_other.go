//go:build !linux && !darwin && !windows

package chain

// commitNoReplace moves tmp to path unless path exists: a hard link fails
// when path exists.
func commitNoReplace(tmp, path string) error { return linkNoReplace(tmp, path) }
