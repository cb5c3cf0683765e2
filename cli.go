package main

import (
	"errors"
	"fmt"
	"github.com/ome-preflight/ome-preflight/i18n"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"
	"github.com/urfave/cli/v2"

	"github.com/ome-preflight/ome-preflight/pairing"
	"github.com/ome-preflight/ome-preflight/probe"
	"github.com/ome-preflight/ome-preflight/render"
	"github.com/ome-preflight/ome-preflight/report"
)

// env is what every action needs besides its flags.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	log            zerolog.Logger
	now            func() time.Time
	// instant is the run's "now" for times given as flags or defaulted to
	// this machine's clock (--at, --source-time, --target-time): read once,
	// so that both sides of a compare are judged at the same instant.
	instant time.Time
}

// run builds the CLI and runs it; it returns the exit code. now is the
// clock: main passes time.Now, tests their own; nothing below reads
// time.Now for a verdict.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer, now func() time.Time) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, log: zerolog.Nop(), now: now}
	// The language is chosen once per run, before the help is built.
	lang, err := chooseLang(args, os.Getenv)
	if err != nil {
		// A bad --lang is said in the environment's language.
		i18n.Use(i18n.New(i18n.Choose("", os.Getenv)))
		return exitCode(err, stderr)
	}
	p := i18n.New(lang)
	if testPrinter != nil {
		p = testPrinter
	}
	i18n.Use(p)
	notFound := ""
	app := &cli.App{
		Name:    "ome-preflight",
		Usage:   ui("help.app", "predict OpenManage Enterprise certificate upload and migration pairing errors before the change window"),
		Version: version,
		Description: `Before the change window: will OME accept each upload, will the two appliances pair,
and what exactly would OME say (MessageId, MessageArgs) if not. Flags may come before
or after the files ("--" ends the flags).

Examples:
   ome-preflight template webserver.txt     (certutil -v -dstemplate output, before issuing)
   ome-preflight check --csr appliance.csr chain.pem
   ome-preflight compare --window 4h source.pem target.pem
   ome-preflight probe --source 10.0.0.5 --target 10.0.0.6 --source-chain src.pem --target-chain dst.pem
   ome-preflight checklist --out ./change-4711 inventory.yaml
   ome-preflight assemble -o chain.pem appliance.cer ./ca-certs
   ome-preflight explain application.log
   ome-preflight fixtures write ./lab     (a lab to rehearse with; see also: mock)

Exit codes: 0 pass (warnings allowed), 1 fail (an error finding), 2 usage error or
unreadable input, 3 incomplete (a check could not run).`,
		Writer:                 stdout,
		ErrWriter:              stderr,
		Flags:                  globalFlags(),
		UseShortOptionHandling: false,
		EnableBashCompletion:   true,
		Before: func(c *cli.Context) error {
			return e.setup(c)
		},
		ExitErrHandler: func(*cli.Context, error) {},
		OnUsageError: func(c *cli.Context, err error, _ bool) error {
			return flagUsageError(err, c.App.Flags, "run 'ome-preflight --help'")
		},
		Commands: []*cli.Command{
			checkCommand(e),
			compareCommand(e),
			probeCommand(e),
			mockCommand(e),
			explainCommand(e),
			assembleCommand(e),
			checklistCommand(e),
			csrCommand(e),
			standinCommand(e),
			completionCommand(e),
			rulesCommand(e),
			fixturesCommand(e),
			templateCommand(e),
		},
		CommandNotFound: func(c *cli.Context, name string) { notFound = name },
	}
	for _, oc := range optionalCommands {
		app.Commands = append(app.Commands, oc(e))
	}
	for _, c := range app.Commands {
		c.Flags = append(c.Flags, globalFlags()...)
		c.Before = e.setup
		c.OnUsageError = func(cc *cli.Context, err error, _ bool) error {
			return flagUsageError(err, cc.Command.Flags, fmt.Sprintf("run 'ome-preflight %s --help'", cc.Command.Name))
		}
		for _, sc := range c.Subcommands {
			sc.Flags = append(sc.Flags, globalFlags()...)
			sc.Before = e.setup
			help := fmt.Sprintf("run 'ome-preflight %s %s --help'", c.Name, sc.Name)
			sc.OnUsageError = func(cc *cli.Context, err error, _ bool) error {
				return flagUsageError(err, cc.Command.Flags, help)
			}
		}
	}
	err = app.Run(reorderFlags(app, args))
	if err == nil && notFound != "" {
		// An unknown command, wherever the global flags put it.
		err = unknownCommand(notFound, app.Commands)
	}
	return exitCode(err, stderr)
}

// optionalCommands are registered by files that a build tag may leave out
// (cmd_man.go).
var optionalCommands []func(*env) *cli.Command

func globalFlags() []cli.Flag {
	return []cli.Flag{
		&cli.BoolFlag{Name: "no-color", Usage: ui("help.no-color", "no colour in text output (also NO_COLOR)")},
		&cli.StringFlag{Name: "lang", Usage: ui("help.lang", "language of text, Markdown and HTML: en, ko or nl (JSON stays English); default OME_PREFLIGHT_LANG, LC_ALL, LC_MESSAGES, LANG, the Windows UI language")},
		&cli.StringFlag{Name: "log-level", Value: "warn", Usage: ui("help.log-level", "log level on stderr: debug, info, warn, error")},
		&cli.StringFlag{Name: "log-format", Value: "console", Usage: ui("help.log-format", "log format on stderr: console or json")},
	}
}

// global reads a global flag set before or after the command name.
func global(c *cli.Context, name string) (string, bool) {
	for _, cc := range c.Lineage() {
		if slices.Contains(cc.LocalFlagNames(), name) {
			return cc.String(name), true
		}
	}
	return c.String(name), false
}

func (e *env) setup(c *cli.Context) error {
	level, _ := global(c, "log-level")
	lvl, err := zerolog.ParseLevel(strings.ToLower(level))
	if err != nil || level == "" {
		return usagef("use debug, info, warn or error", "bad --log-level %q", level)
	}
	format, _ := global(c, "log-format")
	var w io.Writer
	switch format {
	case "json":
		w = e.stderr
	case "console":
		// Values in logs come from certificates and appliances: escaped.
		w = zerolog.ConsoleWriter{Out: e.stderr, NoColor: !e.color(c), TimeFormat: time.RFC3339,
			FormatMessage:    func(i any) string { return render.TermSafe(fmt.Sprint(orEmpty(i))) },
			FormatFieldValue: func(i any) string { return render.TermSafe(fmt.Sprint(orEmpty(i))) }}
	default:
		return usagef("use console or json", "bad --log-format %q", format)
	}
	// probe and checklist log from many goroutines: serialise the writes.
	e.log = zerolog.New(zerolog.SyncWriter(w)).Level(lvl).With().Timestamp().Logger()
	return nil
}

// color is true when text output goes to a terminal and nobody said no.
func (e *env) color(c *cli.Context) bool {
	// NO_COLOR counts only when set and non-empty (no-color.org); a dumb
	// terminal gets no escape sequences either.
	if os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return false
	}
	for _, cc := range c.Lineage() {
		if slices.Contains(cc.LocalFlagNames(), "no-color") && cc.Bool("no-color") {
			return false
		}
	}
	return isTerminal(e.stdout)
}

func formatFlag() cli.Flag {
	return &cli.StringFlag{Name: "format", Value: "text", Usage: ui("help.format", "output: text, json or markdown")}
}

// reportFormatFlag is --format of the commands that judge (check, compare,
// probe, checklist): they also write the ticket summary.
func reportFormatFlag() cli.Flag {
	return &cli.StringFlag{Name: "format", Value: "text", Usage: ui("help.report-format", "output: text, json, markdown, or summary (at most 15 plain lines per pair, to paste into a change ticket)")}
}

// summaryCommands write --format summary.
var summaryCommands = []string{"check", "compare", "probe", "checklist", "template"}

func checkFormat(c *cli.Context) (string, error) {
	f := c.String("format")
	if f == "md" {
		f = "markdown"
	}
	ok := slices.Contains(render.Formats(), f)
	if f == "summary" && !slices.Contains(summaryCommands, c.Command.Name) {
		ok = false
	}
	if !ok {
		hint := "use text, json or markdown"
		if slices.Contains(summaryCommands, c.Command.Name) {
			hint = "use text, json, markdown or summary"
		}
		return "", usagef(hint, "bad --format %q", f)
	}
	return f, nil
}

// parseTime reads an RFC 3339 instant; "" and "now" mean now.
func (e *env) parseTime(flag, v string) (time.Time, error) {
	if v == "" || v == "now" {
		if e.instant.IsZero() {
			e.instant = e.now().UTC()
		}
		return e.instant, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, usagef("times are RFC 3339, e.g. 2026-11-23T09:00:00Z", "bad --%s %q", flag, v)
	}
	return t.UTC(), nil
}

func (e *env) render(c *cli.Context, r *report.Report, format string) error {
	if r.Run == nil {
		r.Run = e.runInfo(c)
	}
	if err := render.Render(e.stdout, r, format, render.RenderOptions{Color: format == "text" && e.color(c)}); err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	return verdictCode(r.Verdict)
}

func orEmpty(i any) any {
	if i == nil {
		return ""
	}
	return i
}

// unknownCommand is the usage error for a command name that does not
// exist, suggesting the nearest one ("did you mean check?").
func unknownCommand(name string, cmds []*cli.Command) error {
	hint := "run 'ome-preflight --help' for the list"
	best, dist := "", 3
	for _, c := range cmds {
		if c.Hidden {
			continue
		}
		if d := editDistance(strings.ToLower(name), c.Name); d < dist {
			best, dist = c.Name, d
		}
	}
	if best != "" {
		hint = fmt.Sprintf("did you mean %q? (%s)", best, hint)
	}
	return usagef(hint, "unknown command %q", name)
}

// flagUsageError is the usage error for a flag urfave/cli refused; a
// mistyped flag gets the nearest one the command takes ("did you mean
// --format?"), as a mistyped command does.
func flagUsageError(err error, flags []cli.Flag, help string) error {
	const undefined = "flag provided but not defined: "
	msg := err.Error()
	if !strings.HasPrefix(msg, undefined) {
		// The flag package's other words, as it writes them, with their
		// format for the catalogue.
		if name, ok := strings.CutPrefix(msg, "flag needs an argument: -"); ok {
			return usagef(help, "flag needs an argument: -%s", name)
		}
		if m := invalidValue.FindStringSubmatch(msg); m != nil {
			if v, uerr := strconv.Unquote(m[1]); uerr == nil && fmt.Sprintf("invalid value %q for flag -%s: %s", v, m[2], m[3]) == msg {
				return usagef(help, "invalid value %q for flag -%s: %s", v, m[2], m[3])
			}
		}
		return usagef(help, "%v", err)
	}
	typed := strings.TrimLeft(strings.TrimPrefix(msg, undefined), "-")
	if s := suggestFlag(flags, typed); s != "" {
		return usageHints([]string{fmt.Sprintf("did you mean %s? (%s)", s, help)}, "unknown flag %s", dashed(typed))
	}
	return usagef(help, "unknown flag %s", dashed(typed))
}

// invalidValue is the flag package's error for a value its flag refused.
var invalidValue = regexp.MustCompile(`^invalid value (".*") for flag -([^:\s]+): (.*)$`)

// dashed writes a flag name as --help shows it: -o, --format.
func dashed(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// suggestFlag is the flag nearest to typed, "" when none is near: the
// library's suggestion (cli.SuggestFlag ranks by Jaro-Winkler, which favours
// a shared prefix) when it is within a few edits of what was typed, or a
// flag that typed begins; the library alone would suggest something for
// any word at all.
func suggestFlag(flags []cli.Flag, typed string) string {
	if cli.SuggestFlag == nil || typed == "" {
		return ""
	}
	var visible []cli.Flag
	for _, f := range flags {
		if vf, ok := f.(cli.VisibleFlag); ok && !vf.IsVisible() {
			continue
		}
		visible = append(visible, f)
	}
	lower := strings.ToLower(typed)
	// How many edits still read as a typo: one in a short name, two, or a
	// quarter of a long one.
	limit := max(2, len(lower)/4)
	if len(lower) <= 4 {
		limit = 1
	}
	if len(lower) < 2 {
		return "" // one letter is too little to guess from
	}
	near := func(name string) bool {
		return editDistance(lower, name) <= limit || len(lower) >= 3 && strings.HasPrefix(name, lower)
	}
	if s := cli.SuggestFlag(visible, lower, true); near(strings.TrimLeft(s, "-")) {
		return s
	}
	best, dist := "", limit+1
	for _, f := range visible {
		for _, n := range f.Names() {
			if d := editDistance(lower, n); d < dist {
				best, dist = n, d
			}
		}
	}
	if best == "" {
		return ""
	}
	return dashed(best)
}

// editDistance is the Levenshtein distance, with a transposition counted as
// one edit (chekc -> check).
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}

// reorderFlags moves a command's flags that follow its file arguments in
// front of them ("check chain.pem --format json" works as "check --format
// json chain.pem"): urfave/cli stops reading flags at the first argument.
// "--" still ends the flags.
func reorderFlags(app *cli.App, args []string) []string {
	isFlag := func(a string) bool { return strings.HasPrefix(a, "-") && a != "-" && a != "--" }
	takesValue := func(flags []cli.Flag, a string) bool {
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") {
			return false
		}
		for _, f := range flags {
			if slices.Contains(f.Names(), name) {
				_, isBool := f.(*cli.BoolFlag)
				return !isBool
			}
		}
		return false
	}
	if slices.Contains(args, "--generate-bash-completion") {
		return args // completion reads the words as typed
	}
	out := []string{args[0]}
	i := 1
	for i < len(args) && isFlag(args[i]) { // global flags before the command
		out = append(out, args[i])
		if takesValue(app.Flags, args[i]) && i+1 < len(args) {
			i++
			out = append(out, args[i])
		}
		i++
	}
	if i >= len(args) {
		return args
	}
	cmd := app.Command(args[i])
	if cmd == nil {
		return args
	}
	out = append(out, args[i])
	i++
	if len(cmd.Subcommands) > 0 && i < len(args) {
		if sc := cmd.Command(args[i]); sc != nil {
			cmd = sc
			out = append(out, args[i])
			i++
		}
	}
	var flags, positional []string
	for ; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			positional = append(positional, args[i:]...)
			i = len(args)
		case isFlag(a):
			flags = append(flags, a)
			if takesValue(cmd.Flags, a) && i+1 < len(args) {
				i++
				flags = append(flags, args[i])
			}
		default:
			positional = append(positional, a)
		}
	}
	return append(append(out, flags...), positional...)
}

// durationFlag is a duration flag that also takes days and weeks
// (--window 2d), as change windows are written: the value is parsed once,
// by durationValue.Set; read it with durationOf.
func durationFlag(name string, value time.Duration, usage string) *cli.GenericFlag {
	return &cli.GenericFlag{Name: name, Value: &durationValue{value}, Usage: usage}
}

// durationValue is a duration flag's value.
type durationValue struct{ d time.Duration }

// Set parses s with parseDuration, else as Go writes durations (which
// parseDuration bounds, Go does not: "100000h" is accepted as it always
// was); the flag package words the error.
func (v *durationValue) Set(s string) error {
	d, err := parseDuration(s)
	if err != nil {
		if d, err = time.ParseDuration(s); err != nil {
			return errors.New("parse error")
		}
	}
	v.d = d
	return nil
}

// String is the value as Go writes durations ("5m0s"), for --help.
func (v *durationValue) String() string {
	if v == nil {
		return ""
	}
	return v.d.String()
}

// durationOf reads a durationFlag.
func durationOf(c *cli.Context, name string) time.Duration {
	if v, ok := c.Generic(name).(*durationValue); ok {
		return v.d
	}
	return 0
}

// inputFlag words the flag that gives an input the rules asked for:
// "--csr" and "--name" for check, "--source-csr" for a side of compare.
func inputFlag(side report.Side, kind pairing.InputKind) string {
	prefix := "--"
	if side == report.SideSource || side == report.SideTarget {
		prefix += string(side) + "-"
	}
	switch kind {
	case pairing.CSRInput:
		return prefix + "csr"
	case pairing.NameInput:
		return prefix + "name"
	case pairing.ChainInput:
		return prefix + "chain"
	case pairing.FingerprintInput:
		return prefix + "fingerprint"
	}
	return ""
}

// probeInputFlag words the inputs probe takes: inputFlag's, and the
// credentials of a side.
func probeInputFlag(side report.Side, kind pairing.InputKind) string {
	if kind == pairing.CredentialInput {
		return "--" + string(side) + "-user (or --user) and " + passwordEnv(side) + " (or OME_PASSWORD)"
	}
	if kind == pairing.AddressInput && (side == report.SideSource || side == report.SideTarget) {
		return "--" + string(side)
	}
	return inputFlag(side, kind)
}

// maxDuration bounds a window or a timeout: ten years.
const maxDuration = 10 * 365 * 24 * time.Hour

// parseDuration is time.ParseDuration plus days (d) and weeks (w), as
// change windows are written: "2d", "1w", "1d12h".
func parseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	var total time.Duration
	rest := s
	for _, unit := range []struct {
		suffix byte
		d      time.Duration
	}{{'w', 7 * 24 * time.Hour}, {'d', 24 * time.Hour}} {
		i := strings.IndexByte(rest, unit.suffix)
		if i < 0 {
			continue
		}
		n, err := strconv.ParseFloat(rest[:i], 64)
		if err != nil || n < 0 || n*float64(unit.d) > float64(maxDuration) {
			return 0, fmt.Errorf("bad duration %q (at most 10 years)", s)
		}
		total += time.Duration(n * float64(unit.d))
		rest = rest[i+1:]
	}
	if rest != "" {
		d, err := time.ParseDuration(rest)
		if err != nil {
			return 0, fmt.Errorf("bad duration %q (e.g. 4h, 90m, 2d, 1w)", s)
		}
		total += d
	}
	if total > maxDuration || total < 0 && !strings.HasPrefix(strings.TrimSpace(rest), "-") {
		return 0, fmt.Errorf("bad duration %q (at most 10 years)", s)
	}
	if s == "" {
		return 0, fmt.Errorf("empty duration")
	}
	return total, nil
}

// applianceAddress reads an appliance address as an admin may paste it:
// HOST[:PORT] (IPv6 in brackets), or the URL from the browser's address bar
// (https://ome.example.com/ui/..., https://host:443/), whose scheme and path
// are dropped. Any other scheme is refused: OME's web server and API are
// HTTPS. It returns HOST[:PORT] as probe dials it.
func applianceAddress(s string) (string, error) {
	a := strings.TrimSpace(s)
	if scheme, rest, ok := strings.Cut(a, "://"); ok {
		if !strings.EqualFold(scheme, "https") {
			return "", usageHints([]string{"OME's web server and API are HTTPS: give HOST[:PORT] (443 by default), or paste the https:// address from the browser"},
				"bad address %q: %s:// is not how OME is reached", s, scheme)
		}
		a = rest
	}
	if i := strings.IndexAny(a, "/?#"); i >= 0 {
		a = a[:i]
	}
	if strings.Contains(a, "@") {
		return "", usageHints([]string{"give HOST[:PORT], and the user with --user (its password from OME_PASSWORD or a prompt)"},
			"bad address %q: a user name goes in --user, not in the address", s)
	}
	if _, _, err := probe.SplitAddress(a); err != nil {
		return "", usagef("addresses are HOST[:PORT] or https://HOST[:PORT]/, IPv6 in brackets: [fd00::5]:443", "bad address %q: %v", s, err)
	}
	return a, nil
}

// testPrinter, when set (tests only), replaces the chosen language: the
// pseudo-locale run.
var testPrinter *i18n.Printer

// ui is a UI text in the run's language (the catalogue's id, en when it has
// none).
func ui(id, en string) string { return i18n.T(id, en) }

// chooseLang reads --lang (wherever it is on the command line), else the
// environment (i18n.Choose). An unknown --lang is a usage error.
func chooseLang(args []string, getenv func(string) string) (string, error) {
	flag := ""
	for i := 1; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			break
		}
		switch {
		case a == "--lang" || a == "-lang":
			if i+1 < len(args) {
				flag = args[i+1]
			}
			i++
		case strings.HasPrefix(a, "--lang=") || strings.HasPrefix(a, "-lang="):
			_, flag, _ = strings.Cut(a, "=")
		default:
			continue
		}
		if _, ok := i18n.Match(flag); !ok || flag == "" {
			return "", usagef("use --lang "+strings.Join(i18n.Codes(), ", --lang "), "bad --lang %q", flag)
		}
	}
	return i18n.Choose(flag, getenv), nil
}

// modeOf reads --mode: migration (a full chain, serverAuth and
// clientAuth) or server (a single server certificate).
func modeOf(c *cli.Context) (report.Mode, error) {
	mode := report.Mode(c.String("mode"))
	if mode != report.ModeMigration && mode != report.ModeServer {
		return mode, usagef("use --mode migration or --mode server", "bad --mode %q", mode)
	}
	return mode, nil
}
