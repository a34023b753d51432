#!/usr/bin/env bash
# The measurement matrix of docs/performance.md: every scenario on the in-process engine and on
# Redis, with 1 and 3 instances where it applies. JSON lines go to OUT (default
# bench/results/<date>.jsonl); the human tables to stdout.
#
#   bench/measure.sh [--out FILE] [--seatd PATH] [--bench PATH] [GROUP...]
#
# Groups: holds-sweep holds-viewers fanout-sweep expiry connections contention redis redis3
# (default: all). Then: python3 bench/charts.py OUT
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/bench/results/$(date -u +%Y%m%d-%H%M).jsonl"
bin=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --seatd|--bench) bin+=("$1" "$2"); shift 2 ;;
    *) break ;;
  esac
done
groups=("$@")
[[ ${#groups[@]} -gt 0 ]] || groups=(holds-sweep holds-viewers fanout-sweep expiry connections contention redis redis3)
mkdir -p "$(dirname "$out")"
run() {  # run.sh options -- scenario options
  echo "### bench/run.sh $* (load $(cut -d' ' -f1-3 /proc/loadavg))"
  "$root/bench/run.sh" "${bin[@]}" "$@" --json-out "$out" | grep -v '^{'
}
for g in "${groups[@]}"; do
  case "$g" in
    holds-sweep)
      for c in 1 10 25 50 100 200; do run holds --clients "$c" --duration 10 --tag sweep; done ;;
    holds-viewers)
      # As fast as answered (the server drops viewers that fall 256 KiB behind), then paced.
      run holds --clients 40 --duration 10 --viewers 1000
      for r in 250 350 500 1000 2000; do run holds --clients 40 --duration 10 --viewers 1000 --rate "$r"; done ;;
    fanout-sweep)
      for v in 100 1000 5000 10000 19000; do
        run fanout --viewers "$v" --trips 1 --rate 20 --duration 10 --tag sweep
      done ;;
    expiry)
      run --hold-ttl 20 expiry --holds 100000 --window 10 --users 50 ;;
    connections)
      run connections --count 19000 --idle 5
      # Handshake latency without queueing: fewer handshakes in flight.
      for n in 2 10 50; do run connections --count 5000 --in-flight "$n" --idle 1; done ;;
    contention)
      run contention --users 50 --rounds 200 ;;
    redis)
      run --redis holds --clients 50 --duration 10 --tag sweep
      run --redis holds --clients 40 --duration 10 --viewers 1000 --rate 250
      run --redis holds --clients 40 --duration 10 --viewers 1000 --rate 1000
      for v in 1000 5000 19000; do
        run --redis fanout --viewers "$v" --trips 1 --rate 20 --duration 10 --tag sweep
      done
      run --redis --hold-ttl 20 expiry --holds 100000 --window 10 --users 50
      run --redis connections --count 19000 --idle 5
      run --redis contention --users 50 --rounds 200 ;;
    redis3)
      run --redis --instances 3 holds --clients 50 --duration 10 --tag sweep
      run --redis --instances 3 fanout --viewers 19000 --trips 1 --rate 20 --duration 10 --tag sweep
      # 50,000 viewers: three bench processes (one process may open 20,000 files), each with
      # ~16,700 viewers of its own trip spread over the three instances, 20 events/s each.
      run --redis --instances 3 --copies 3 fanout --viewers 16667 --trips 1 --rate 20 --duration 10
      run --redis --instances 3 --copies 3 --sync 45 fanout --viewers 16667 --trips 1 --rate 2 --duration 10
      run --redis --instances 3 --hold-ttl 20 expiry --holds 100000 --window 10 --users 51
      run --redis --instances 3 connections --count 19000 --idle 3
      run --redis --instances 3 contention --users 51 --rounds 300 ;;
    *) echo "measure.sh: unknown group $g" >&2; exit 2 ;;
  esac
done
echo "results: $out"
