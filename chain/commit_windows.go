package chain

import (
	"errors"

	"golang.org/x/sys/windows"
)

// commitNoReplace moves tmp to path unless path exists, in one step:
// MoveFileEx without MOVEFILE_REPLACE_EXISTING fails when path exists.
func commitNoReplace(tmp, path string) error {
	from, err := windows.UTF16PtrFromString(tmp)
	if err != nil {
		return err
	}
	to, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return err
	}
	err = windows.MoveFileEx(from, to, 0)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, windows.ERROR_ALREADY_EXISTS), errors.Is(err, windows.ERROR_FILE_EXISTS):
		return existsError(path)
	}
	return err
}
