//go:build !windows

package i18n

// uiLanguages: outside Windows the locale variables say it all.
func uiLanguages() []string { return nil }
