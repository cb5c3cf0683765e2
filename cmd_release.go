package main

import (
	"fmt"

	"github.com/urfave/cli/v2"
)

const bashCompletion = `# bash completion for ome-preflight; load with: source <(ome-preflight completion bash)
_ome_preflight() {
  local cur opts
  COMPREPLY=()
  cur="${COMP_WORDS[COMP_CWORD]}"
  if [[ "$cur" == "-"* ]]; then
    opts=$("${COMP_WORDS[@]:0:$COMP_CWORD}" "$cur" --generate-bash-completion 2>/dev/null)
  else
    opts=$("${COMP_WORDS[@]:0:$COMP_CWORD}" --generate-bash-completion 2>/dev/null)
  fi
  COMPREPLY=($(compgen -W "${opts}" -- "${cur}"))
  return 0
}
complete -o default -F _ome_preflight ome-preflight
`

const zshCompletion = `#compdef ome-preflight
# zsh completion for ome-preflight; put it in a file named _ome-preflight on $fpath,
# or load with: source <(ome-preflight completion zsh)
_ome_preflight() {
  local -a opts
  local cur
  cur=${words[-1]}
  if [[ "$cur" == "-"* ]]; then
    opts=("${(@f)$(${words[@]:0:#words[@]-1} ${cur} --generate-bash-completion 2>/dev/null)}")
  else
    opts=("${(@f)$(${words[@]:0:#words[@]-1} --generate-bash-completion 2>/dev/null)}")
  fi
  if [[ "${opts[1]}" != "" ]]; then
    _describe 'values' opts
  else
    _files
  fi
}
compdef _ome_preflight ome-preflight
`

const powershellCompletion = `# PowerShell completion for ome-preflight; load with:
#   ome-preflight completion powershell | Out-String | Invoke-Expression
# (add that line to $PROFILE to keep it).
Register-ArgumentCompleter -Native -CommandName ome-preflight, ome-preflight.exe -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)
    $words = @($commandAst.CommandElements | Select-Object -Skip 1 | ForEach-Object { $_.ToString() })
    if ($wordToComplete -ne '' -and $words.Count -gt 0) { $words = @($words[0..($words.Count - 2)]) }
    if ($wordToComplete -like '-*') { $words += $wordToComplete }
    $exe = $commandAst.CommandElements[0].ToString()
    & $exe @words --generate-bash-completion 2>$null |
        Where-Object { $_ -like "$wordToComplete*" } |
        ForEach-Object { [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_) }
}
`

func completionCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "completion",
		Usage:     "print the shell completion script (bash, zsh or powershell)",
		ArgsUsage: "bash|zsh|powershell",
		Description: `Examples:
   source <(ome-preflight completion bash)
   ome-preflight completion zsh > "${fpath[1]}/_ome-preflight"
   ome-preflight completion powershell | Out-String | Invoke-Expression`,
		Action: func(c *cli.Context) error {
			switch c.Args().First() {
			case "bash":
				_, err := fmt.Fprint(e.stdout, bashCompletion)
				return err
			case "zsh":
				_, err := fmt.Fprint(e.stdout, zshCompletion)
				return err
			case "powershell", "pwsh":
				_, err := fmt.Fprint(e.stdout, powershellCompletion)
				return err
			}
			return usagef("usage: ome-preflight completion bash|zsh|powershell", "completion takes bash, zsh or powershell, got %q", c.Args().First())
		},
	}
}
