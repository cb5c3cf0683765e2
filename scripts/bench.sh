#!/usr/bin/env bash
# Whole-process timing, in one run, of ome-preflight against `openssl verify`
# doing the same verifications on the same lab chains. Reports medians and
# ratios (the machine is noisy: never trust one sample).
#   scripts/bench.sh BIN [N]
set -euo pipefail
BIN=${1:?usage: bench.sh BIN [N]}
N=${2:-31}
command -v openssl >/dev/null || { echo "bench: openssl is needed" >&2; exit 2; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
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

now_ns() { date +%s%N; }
# median_of CMD...: runs CMD N times, prints the median wall time in microseconds.
median_of() {
  local times=() t0 t1
  for ((i = 0; i < N; i++)); do
    t0=$(now_ns); "$@" >/dev/null 2>&1 || true; t1=$(now_ns)
    times+=($(((t1 - t0) / 1000)))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

verify_one() { # DIR (its own chain and root): one openssl verify of a chain
  openssl verify -CAfile "$1/root.pem" -untrusted "$1/untrusted.pem" "$1/leaf.pem"
}
verify_pair() { # SRC TGT: the four verifications compare does
  openssl verify -CAfile "$2/root.pem" -untrusted "$1/untrusted.pem" -purpose sslserver "$1/leaf.pem" &&
  openssl verify -CAfile "$2/root.pem" -untrusted "$1/untrusted.pem" -purpose sslclient "$1/leaf.pem" &&
  openssl verify -CAfile "$1/root.pem" -untrusted "$2/untrusted.pem" -purpose sslserver "$2/leaf.pem" &&
  openssl verify -CAfile "$1/root.pem" -untrusted "$2/untrusted.pem" -purpose sslclient "$2/leaf.pem"
}

printf 'ome-preflight vs openssl verify, whole processes, median of %d runs each (microseconds)\n' "$N"
printf '%-28s %12s %14s %16s %8s %8s\n' case ome-preflight "openssl x1" "openssl (same)" "ratio1" "ratio"
for pair in good-pair:3 deep-pair:10; do
  name=${pair%%:*}; depth=${pair##*:}; d="$work/lab/$name"
  split "$d/source.pem" "$work/$name/src"; split "$d/target.pem" "$work/$name/tgt"
  one=$(median_of verify_one "$work/$name/src")
  check=$(median_of "$BIN" check --format json "$d/source.pem")
  same=$(median_of verify_one "$work/$name/src")
  awk -v c="check $depth-deep" -v o="$check" -v one="$one" -v s="$same" 'BEGIN {printf "%-28s %12d %14d %16d %8.2f %8.2f\n", c, o, one, s, o/one, o/s}'
  cmp=$(median_of "$BIN" compare --format json "$d/source.pem" "$d/target.pem")
  four=$(median_of verify_pair "$work/$name/src" "$work/$name/tgt")
  awk -v c="compare $depth-deep" -v o="$cmp" -v one="$one" -v s="$four" 'BEGIN {printf "%-28s %12d %14d %16d %8.2f %8.2f\n", c, o, one, s, o/one, o/s}'
done
echo "ratio1: against one openssl verify of a single chain; ratio: against openssl doing the same verifications (1 for check, 4 for compare)"
