//go:build windows

package i18n

import "golang.org/x/sys/windows"

// uiLanguages are the Windows user's preferred UI languages ("ko-KR", ...).
func uiLanguages() []string {
	l, err := windows.GetUserPreferredUILanguages(windows.MUI_LANGUAGE_NAME)
	if err != nil {
		return nil
	}
	return l
}
