package chain

import (
	"errors"

	"golang.org/x/sys/unix"
)

// commitNoReplace moves tmp to path unless path exists, in one step:
// renameat2 with RENAME_NOREPLACE, or a hard link where the file system
// does not support that flag.
func commitNoReplace(tmp, path string) error {
	err := unix.Renameat2(unix.AT_FDCWD, tmp, unix.AT_FDCWD, path, unix.RENAME_NOREPLACE)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, unix.EEXIST):
		return existsError(path)
	case errors.Is(err, unix.EINVAL), errors.Is(err, unix.ENOSYS), errors.Is(err, unix.EOPNOTSUPP):
		return linkNoReplace(tmp, path)
	}
	return err
}
