#!/usr/bin/env bash
# Whole-process timing, in one run, of ome-preflight against `openssl verify`
# on the same lab chains. Runs alternate A, B, A, B... and the result is the
# median of the pairwise ratios (the machine is noisy and drifts: sequential
# blocks would mostly measure the drift).
#   scripts/bench.sh BIN [N]
set -euo pipefail
BIN=${1:?usage: bench.sh BIN [N]}
N=${2:-31}
command -v openssl >/dev/null || { echo "bench: openssl is needed" >&2; exit 2; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
# Measure an installed copy: a binary the Go linker has just written (through
# a memory map) starts about 15 % slower until the kernel drops those pages
# than the same bytes written by cp or install or read from disk, and that
# would be measured instead of the program.
cp "$BIN" "$work/ome-preflight"; BIN=$work/ome-preflight
"$BIN" fixtures write "$work/lab" >/dev/null

# split FILE DIR: one PEM certificate per file, leaf first (lab files are in order).
split() {
  mkdir -p "$2"
  awk -v d="$2" '/-----BEGIN CERTIFICATE-----/{n++} {print > (d "/c" sprintf("%02d", n) ".pem")}' "$1"
  local files=("$2"/c*.pem)
  cp "${files[0]}" "$2/leaf.pem"
  cp "${files[-1]}" "$2/root.pem"
  : > "$2/untrusted.pem"
  for f in "${files[@]:1:${#files[@]}-2}"; do cat "$f" >> "$2/untrusted.pem"; done
}

# ab A B: scripts/abrun runs the commands A and B by turns N times (A, B,
# then B, A...: the machine's drift hits both alike and neither always goes
# first) and prints the median wall time of each in microseconds and the
# median of the pairwise ratios A/B. It starts each process the way Go's
# os/exec does (vfork, exec); a shell loop would fork the whole shell for
# every run and add that to both sides. ' ;; ' separates commands run one
# after another as one side.
( cd "$(dirname "$0")/.." && go build -o "$work/abrun" ./scripts/abrun )
ab() { "$work/abrun" -n "$N" -a "$1" -b "$2"; }

verify_one() { # DIR (its own chain and root): one openssl verify of a chain
  echo "openssl verify -CAfile $1/root.pem -untrusted $1/untrusted.pem $1/leaf.pem"
}
verify_pair() { # SRC TGT: the four verifications compare does
  echo "openssl verify -CAfile $2/root.pem -untrusted $1/untrusted.pem -purpose sslserver $1/leaf.pem ;;" \
    "openssl verify -CAfile $2/root.pem -untrusted $1/untrusted.pem -purpose sslclient $1/leaf.pem ;;" \
    "openssl verify -CAfile $1/root.pem -untrusted $2/untrusted.pem -purpose sslserver $2/leaf.pem ;;" \
    "openssl verify -CAfile $1/root.pem -untrusted $2/untrusted.pem -purpose sslclient $2/leaf.pem"
}

printf 'ome-preflight vs openssl verify, whole processes, %d alternating pairs each (medians, microseconds)\n' "$N"
printf '%-24s %14s %14s %22s\n' case ome-preflight openssl "median of ratios"
for pair in good-pair:3 deep-pair:10; do
  name=${pair%%:*}; depth=${pair##*:}; d="$work/lab/$name"
  split "$d/source.pem" "$work/$name/src"; split "$d/target.pem" "$work/$name/tgt"
  one=$(verify_one "$work/$name/src")
  four=$(verify_pair "$work/$name/src" "$work/$name/tgt")
  chk="$BIN check --format json $d/source.pem"
  cmp="$BIN compare --format json $d/source.pem $d/target.pem"
  read -r a b r < <(ab "$chk" "$one"); printf '%-24s %14d %14d %22.2f\n' "check $depth-deep" "$a" "$b" "$r"
  read -r a b r < <(ab "$cmp" "$one"); printf '%-24s %14d %14d %22.2f\n' "compare $depth-deep" "$a" "$b" "$r"
  read -r a b r < <(ab "$cmp" "$four"); printf '%-24s %14d %14d %22.2f\n' "compare vs 4 verifies" "$a" "$b" "$r"
done
echo "openssl: one 'openssl verify' of the source chain (check, compare), or the four verifications compare does ('vs 4 verifies')"
