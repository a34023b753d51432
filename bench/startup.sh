#!/usr/bin/env bash
# Startup to ready, and idle RSS, of a release seatd with the 200-trip schedule already imported:
#
#   bench/startup.sh [--seatd PATH] [--runs N] [--redis]
#
# Each run starts seatd on a free port (--port 0) against the same SQLite file, times it from
# exec to its "seatd ready port=N" line (polled every millisecond), samples VmRSS one second
# later, and stops it. Prints each run and the median.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seatd="$root/build/release/seatd"
runs=5
redis=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --seatd) seatd="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --redis) redis=1; shift ;;
    *) echo "usage: bench/startup.sh [--seatd PATH] [--runs N] [--redis]" >&2; exit 2 ;;
  esac
done
(( runs >= 1 && runs <= 100 )) || { echo "startup.sh: --runs must be 1..100" >&2; exit 2; }
dir="$(mktemp -d /tmp/seatd-startup.XXXXXX)"
pid=""
rpid=""
cleanup() {
  [[ -n "$pid" ]] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  [[ -n "$rpid" ]] && kill -TERM "$rpid" 2>/dev/null && wait "$rpid" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT INT TERM
db="sqlite:///$dir/seatd.db"
"$seatd" --database "$db" --env-file "$dir/none.env" --log-level warn \
  import "$root/data/abctravels_schedule.xlsx" >/dev/null
extra=()
if [[ $redis == 1 ]]; then
  rport=$(( 30000 + RANDOM % 10000 ))
  redis-server --port "$rport" --bind 127.0.0.1 --save "" --appendonly no --dir "$dir" \
    --logfile "$dir/redis.log" &
  rpid=$!
  sleep 0.3
  extra+=(--redis "redis://127.0.0.1:$rport")
fi
times=()
rss=()
for i in $(seq 1 "$runs"); do
  log="$dir/seatd-$i.log"
  start=$(date +%s%N)
  "$seatd" --host 127.0.0.1 --port 0 --database "$db" --secret-key "startup-measurement-secret-key-0123456789" \
    --access-log false --log-level warn --env-file "$dir/none.env" "${extra[@]}" >"$log" 2>&1 &
  pid=$!
  ready=""
  for _ in $(seq 1 20000); do   # bounded: about 20 s
    if grep -q "seatd ready port=" "$log" 2>/dev/null; then ready=$(date +%s%N); break; fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.001
  done
  [[ -n "$ready" ]] || { echo "startup.sh: seatd did not become ready" >&2; cat "$log" >&2; exit 1; }
  ms=$(( (ready - start) / 1000000 ))
  sleep 1
  kib=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")
  kill -TERM "$pid"; wait "$pid" || true; pid=""
  echo "run $i: ready after ${ms} ms, idle RSS ${kib} KiB"
  times+=("$ms")
  rss+=("$kib")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "median: ready after $(median "${times[@]}") ms, idle RSS $(median "${rss[@]}") KiB (load $(cut -d' ' -f1-3 /proc/loadavg))"
