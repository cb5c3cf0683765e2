package main

import (
	"fmt"
	"os"

	"github.com/ome-preflight/ome-preflight/i18n"
	"github.com/ome-preflight/ome-preflight/report"
)

// login is one appliance's API credentials and where the password came
// from (a variable's name or "a prompt"), for the words of a refused login;
// the password itself is never printed.
type login struct {
	user, password, from string
}

// logins resolves credentials per appliance, for probe and for the
// checklist (before any pair is probed: pairs run concurrently and never
// prompt). A side's user is
// its inventory user, else --user ("" reads no API); its password comes from
// the variable its password_env names, else OME_SOURCE_PASSWORD or
// OME_TARGET_PASSWORD, else OME_PASSWORD, else one prompt per side and user
// on a terminal.
type logins struct {
	e      *env
	user   string // --user
	lookup func(string) (string, bool)
	asked  map[string]string // side+user: the password typed at the prompt
}

func newLogins(e *env, user string) *logins {
	return &logins{e: e, user: user, lookup: os.LookupEnv, asked: map[string]string{}}
}

// forSide is the login for one side of a pair (zero: no API read). Every
// error names the pair (for a checklist; "" for probe), the side and what
// to set.
func (l *logins) forSide(pair string, side report.Side, s *InventorySide) (login, error) {
	at := fmt.Sprintf("pair %q: ", pair)
	if pair == "" {
		at = ""
	}
	if s.Address == "" {
		return login{}, nil // not probed: nothing to log in to
	}
	user := s.User
	if user == "" {
		user = l.user
	}
	if user == "" {
		if s.PasswordEnv != "" {
			return login{}, usageHints([]string{fmt.Sprintf("add user: to that side of the inventory, or give --user (the %s reads its API as that user)", side)},
				"%sthe %s (%s) names password_env %s but no user", at, side, s.Address, s.PasswordEnv)
		}
		return login{}, nil
	}
	if s.PasswordEnv != "" {
		pw, ok := l.lookup(s.PasswordEnv)
		if !ok {
			return login{}, usageHints([]string{fmt.Sprintf("export %s with the password of user %s on that appliance before running the checklist", s.PasswordEnv, user)},
				"%sthe %s (%s) reads its password from %s, which is not set", at, side, s.Address, s.PasswordEnv)
		}
		return login{user, pw, s.PasswordEnv}, nil
	}
	for _, v := range []string{passwordEnv(side), "OME_PASSWORD"} {
		if pw, ok := l.lookup(v); ok {
			return login{user, pw, v}, nil
		}
	}
	key := string(side) + "\x00" + user
	if pw, ok := l.asked[key]; ok {
		return login{user, pw, "a prompt"}, nil
	}
	ask := i18n.T("prompt.ome-password.pairs", fmt.Sprintf("OME password of user %s on the %s appliances", user, side), user, string(side))
	how := "set %s or OME_PASSWORD, name a variable with password_env, or run in a terminal to be asked"
	if pair == "" {
		ask = i18n.T("prompt.ome-password", fmt.Sprintf("OME password of user %s on the %s %s", user, side, s.Address), user, string(side), s.Address)
		how = "set %s or OME_PASSWORD, or run in a terminal to be asked"
	}
	pw, err := prompt(l.e, ask)
	if err != nil {
		return login{}, usageHints([]string{"a password is never taken as a flag or from the inventory, so that it stays out of shell history, process lists and files"},
			"%sthe %s (%s) reads its API as %s, with no password: "+how, at, side, s.Address, user, passwordEnv(side))
	}
	l.asked[key] = pw
	return login{user, pw, "a prompt"}, nil
}

// refusedLogins words the logins an appliance refused (HTTP 401), naming
// the pair, the side, the address, the user and where the password came
// from.
func refusedLogins(pair string, r *report.Report, creds [2]login) []string {
	var out []string
	for k, a := range []*report.Appliance{r.Source, r.Target} {
		if a == nil {
			continue
		}
		obs := a.Observed
		if obs == nil || obs.API == nil || !obs.API.AuthFailed {
			continue
		}
		side := []report.Side{report.SideSource, report.SideTarget}[k]
		out = append(out, fmt.Sprintf("pair %s: the %s %s refused the login of user %s (password from %s): check that user and that password on this appliance",
			pair, side, obs.Address, creds[k].user, creds[k].from))
	}
	return out
}
