#!/usr/bin/env bash
# The demo of `make demo`: writes the lab to a temporary folder, shows check
# and compare on passing and failing inputs, then starts two mock
# appliances on ports the kernel picks (127.0.0.1:0: never a fixed port
# that something else may hold) and probes them.
#   scripts/demo.sh BIN
# Each command's exit code is the one the lab promises (0 pass, 1 fail);
# any other, or a mock that does not start, stops the demo with exit 1: it
# never probes whatever else listens on a port, and never exits 0 after a
# failure. The mocks it started are stopped by their PID.
set -uo pipefail
bin=${1:?usage: scripts/demo.sh BIN}
lab=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  rm -rf "$lab"
}
trap cleanup EXIT
failed=0

# step WANT DIR COMMENT ARGS...: runs ARGS in lab/DIR, shows the exit code,
# and counts a failure when it is not WANT.
step() {
  local want=$1 dir=$2 comment=$3; shift 3
  echo "\$ ome-preflight $*   # $comment"
  (cd "$lab/lab/$dir" && "$bin" "$@"); local rc=$?
  echo "exit code $rc"; echo
  if [ "$rc" -ne "$want" ]; then
    echo "demo: FAILED: 'ome-preflight $*' in lab/$dir exited $rc, want $want" >&2
    failed=1
  fi
}

# start_mock NAME ARGS...: starts a mock on a free loopback port and sets
# the variable NAME to the address it prints; stops the demo if it does not
# start within 10 s.
start_mock() {
  local name=$1; shift
  local log="$lab/$name.log"
  (cd "$lab/lab/good-pair" && exec "$bin" mock --listen 127.0.0.1:0 "$@") 2>"$log" &
  local pid=$!
  pids+=("$pid")
  local addr=""
  for _ in $(seq 100); do
    addr=$(grep -o 'https://127\.0\.0\.1:[0-9][0-9]*' "$log" | head -1 | sed 's#https://##')
    [ -n "$addr" ] && break
    if ! kill -0 "$pid" 2>/dev/null; then break; fi
    sleep 0.1
  done
  if [ -z "$addr" ]; then
    echo "demo: FAILED: the $name mock did not start (ome-preflight mock --listen 127.0.0.1:0 $*):" >&2
    sed 's/^/  /' "$log" >&2
    exit 1
  fi
  printf -v "$name" '%s' "$addr"
}

"$bin" fixtures write "$lab/lab" || { echo "demo: FAILED: fixtures write" >&2; exit 1; }
echo
step 0 csr-match "lab/csr-match" check --csr appliance.csr chain.pem
step 1 server-auth-only "lab/server-auth-only" check chain.pem
step 1 pkcs7-der "lab/pkcs7-der (a Windows .p7b)" check chain.p7b
step 0 good-pair "lab/good-pair" compare --window 4h source.pem target.pem
step 1 different-intermediates "lab/different-intermediates (the KB's invalid example)" compare source.pem target.pem

start_mock source --chain source.pem --key source.key --client-auth none --ome-version 3.10.2
start_mock target --chain target.pem --key target.key --client-auth none --clock-offset 2m
echo "two mocks from lab/good-pair on ports the kernel picked: source $source, target $target"
step 0 good-pair "two mocks from lab/good-pair" probe --source "$source" --target "$target" --source-chain source.pem --target-chain target.pem --client-cert standin.pem --client-key standin.key

if [ "$failed" -ne 0 ]; then
  echo "demo: FAILED: a command did not exit as the lab promises (see above)" >&2
  exit 1
fi
echo "demo: every command exited as the lab promises"
