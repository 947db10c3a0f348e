#!/usr/bin/env bash
# A callback flood against `serve` (issue #10): forged callbacks from 127.0.0.2 naming a store on 127.0.0.3 that never
# answers, then a real activation from the sandbox on 127.0.0.1, timed from Activate to active. Two scenarios: the
# default limits; the rate limits off (the per-host cap alone, as behind a proxy without --forwarded-headers); and the
# rate limits off with the forgeries spread over 400 store hosts (nothing but the queue's order protects the merchant).
# Loopback only; needs python3. Usage: bench/flood/flood.sh [FORGED=2000] [STEADY=900]. About two minutes.
set -euo pipefail
cd "$(dirname "$0")/../.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
forged=${1:-2000}
steady=${2:-900}   # forged callbacks of the steady scenario (45 s at 20/s)
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

dotnet build -c Release src/MagentoOAuth.Cli -o "$work/cli" >/dev/null
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_for() { for _ in $(seq 1 200); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done; echo "flood.sh: $1 did not start" >&2; exit 1; }

sandbox_port=$(free_port)
dotnet exec "$work/cli/magento-oauth.dll" sandbox --urls "http://127.0.0.1:$sandbox_port" >"$work/sandbox.log" 2>&1 & pids+=($!)
wait_for "http://127.0.0.1:$sandbox_port/"

run() {
  local label=$1 hosts=$2 rate=$3 sources=$4; shift 4
  local port; port=$(free_port)
  dotnet exec "$work/cli/magento-oauth.dll" serve --urls "http://127.0.0.1:$port" --db "$work/$label.db" --allow-private-stores "$@" >"$work/$label.log" 2>&1 &
  local pid=$!; pids+=($pid)
  wait_for "http://127.0.0.1:$port/magento/identity/status"
  local count=$forged; [ "$rate" != 0 ] && count=$steady
  python3 bench/flood/flood.py "$port" "$sandbox_port" "$pid" "$count" "$label" "$hosts" "$rate" "$sources"
  kill "$pid"
}

run defaults 1 0 1
run rate-limits-off 1 0 1 --callback-limit 0 --callback-limit-total 0
# 400 hosts x the cap of 5: every forgery is stored and exchanged; only the queue's order helps the real merchant, once
# a slot frees (a burst fills all slots at once, for the 20 s request timeout).
run burst-400-hosts-limits-off 400 0 1 --callback-limit 0 --callback-limit-total 0
# A steady distributed flood at the default total limit (20/s) from 400 addresses at 400 hosts, the real activation
# two thirds of the way through: slots free one after another, and the newest activation takes the next one.
run steady-400-hosts-400-addresses 400 20 400
