package chain

import (
	"errors"

	"golang.org/x/sys/unix"
)

// commitNoReplace moves tmp to path unless path exists, in one step:
// renamex_np with RENAME_EXCL, or a hard link where the file system does
// not support that flag.
func commitNoReplace(tmp, path string) error {
	err := unix.RenamexNp(tmp, path, unix.RENAME_EXCL)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, unix.EEXIST):
		return existsError(path)
	case errors.Is(err, unix.EINVAL), errors.Is(err, unix.ENOTSUP), errors.Is(err, unix.ENOSYS):
		return linkNoReplace(tmp, path)
	}
	return err
}
