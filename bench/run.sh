#!/usr/bin/env bash
# Runs one seatd-bench scenario against fresh seatd instance(s) of the release build:
#
#   bench/run.sh [runner options] SCENARIO [seatd-bench options...]
#   bench/run.sh --smoke            # every scenario briefly (what CI runs through ctest)
#
# Runner options:
#   --redis             also start redis-server on a free port; seatd gets --redis redis://...
#   --instances N       start N seatd sharing the SQLite file (and Redis): viewers spread over them
#   --hold-ttl S        seatd --hold-ttl (default 300)
#   --max-holds N       seatd --max-holds (default 100)
#   --io-threads N      seatd --io-threads (default: seatd's, one per core)
#   --seatd PATH        seatd binary (default build/release/seatd)
#   --bench PATH        seatd-bench binary (default build/release/seatd-bench)
#   --wrap "CMD"        run seatd under CMD (e.g. "valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.out")
#   --perf FILE         record a CPU profile of seatd (perf record -e cpu-clock -g) into FILE
#   --copies N          run N copies of the bench at once (copy k gets --first-trip k+1): more
#                       viewers than one process may open (its file limit is 20,000)
#   --sync S            with --copies and fanout: the drivers start together S s after launch (60)
#   --keep              keep the temporary directory (database, logs)
#   --scrape S          poll every seatd's GET /metrics every S seconds during the run (curl), as
#                       a Prometheus would: what the metrics cost the scenario
#   --real-password-hash  seatd hashes passwords at its real Argon2id cost (the default here is
#                       --fast-password-hash); what `abuse` should measure
#
# Each seatd listens on 127.0.0.1 on a port of its choosing (--port 0), with a temporary SQLite
# database, --access-log false and --fast-password-hash; the database gets the 200-trip schedule
# (data/abctravels_schedule.xlsx, `seatd import --week-of` next Monday, so no trip departs during
# a run) first, except for `soak`, which starts from an empty database (its first import places
# trips that depart during the run) and, with --redis, is given the Redis port (it flushes Redis
# once and restarts it once). The bench creates its admin through `seatd admin create` and
# uploads generated schedules when it needs more trips. The bench plays thousands of users from
# one address, so seatd's per-client defences are off (SEATD_HOLD_RATE_PER_MINUTE=0, ...), except
# for `abuse`, which measures them.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seatd="$root/build/release/seatd"
bench="$root/build/release/seatd-bench"
redis=0
instances=1
hold_ttl=300
max_holds=100
io_threads=""
wrap=""
perf_out=""
keep=0
smoke=0
copies=1
sync_s=60
fast_hash=(--fast-password-hash)
rport=""
scrape_s=""

while [[ $# -gt 0 ]]; do
  case "$1" in
    --redis) redis=1; shift ;;
    --instances) instances="$2"; shift 2 ;;
    --hold-ttl) hold_ttl="$2"; shift 2 ;;
    --max-holds) max_holds="$2"; shift 2 ;;
    --io-threads) io_threads="$2"; shift 2 ;;
    --seatd) seatd="$2"; shift 2 ;;
    --bench) bench="$2"; shift 2 ;;
    --wrap) wrap="$2"; shift 2 ;;
    --perf) perf_out="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    --copies) copies="$2"; shift 2 ;;
    --sync) sync_s="$2"; shift 2 ;;
    --smoke) smoke=1; shift ;;
    --real-password-hash) fast_hash=(); shift ;;
    --scrape) scrape_s="$2"; shift 2 ;;
    -h|--help) sed -n '2,34p' "$0"; exit 0 ;;
    *) break ;;
  esac
done

for b in "$seatd" "$bench"; do
  [[ -x "$b" ]] || { echo "run.sh: $b not found: cmake --preset release && cmake --build --preset release -j2 --target seatd seatd-bench" >&2; exit 2; }
done

if [[ $smoke == 1 ]]; then
  exec "$bench" smoke --seatd-binary "$seatd" --schedule "$root/data/abctravels_schedule.xlsx" "$@"
fi
[[ $# -ge 1 ]] || { echo "run.sh: which scenario? (holds, fanout, expiry, connections, contention, bookings, reads, abuse, soak)" >&2; exit 2; }
scenario="$1"
shift

# Both seatd and the bench may hold tens of thousands of sockets.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

dir="$(mktemp -d /tmp/seatd-bench-run.XXXXXX)"
pids=()
seatd_pids=()
perf_pid=""
cleanup() {
  local code=$?
  [[ -n "$perf_pid" ]] && kill -INT "$perf_pid" 2>/dev/null && wait "$perf_pid" 2>/dev/null || true
  # seatd first, then Redis (a seatd that loses Redis while stopping would only log noise).
  local group
  for group in seatd other; do
    local targets=()
    for p in "${pids[@]}"; do
      local is_seatd=0
      for q in "${seatd_pids[@]}"; do [[ "$p" == "$q" ]] && is_seatd=1; done
      if [[ ($group == seatd && $is_seatd == 1) || ($group == other && $is_seatd == 0) ]]; then
        targets+=("$p")
      fi
    done
    for p in "${targets[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    for p in "${targets[@]}"; do
      for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$p" 2>/dev/null || true
      wait "$p" 2>/dev/null || true
    done
    # soak restarts Redis (kill -9, then a new redis-server of its own on the same port): stop
    # whatever answers there once seatd is gone.
    if [[ $group == seatd && -n "$rport" ]] && command -v redis-cli >/dev/null; then
      redis-cli -p "$rport" shutdown nosave >/dev/null 2>&1 || true
    fi
  done
  if [[ $keep == 1 ]]; then echo "run.sh: kept $dir" >&2; else rm -rf "$dir"; fi
  exit $code
}
trap cleanup EXIT INT TERM

source "$root/bench/lib.sh"  # free_port

db="sqlite:///$dir/seatd.db"
engine=memory
seatd_args=(--host 127.0.0.1 --port 0 --database "$db"
            --secret-key "seatd-bench-$(date +%s%N)-0123456789abcdefghij"
            "${fast_hash[@]}" --access-log false --log-level warn
            --hold-ttl "$hold_ttl" --max-holds "$max_holds" --env-file "$dir/none.env")
[[ -n "$io_threads" ]] && seatd_args+=(--io-threads "$io_threads")

# One address plays many users: the per-client defences would refuse most of the load.
limits=("${one_address_many_users[@]}")
[[ "$scenario" == abuse ]] && limits=()

if [[ "$scenario" != soak ]]; then
  "$seatd" --database "$db" --env-file "$dir/none.env" --log-level warn \
    import "$root/data/abctravels_schedule.xlsx" --week-of "$(next_monday)" >"$dir/import.log" 2>&1 ||
    { echo "run.sh: schedule import failed:" >&2; cat "$dir/import.log" >&2; exit 1; }
fi

if [[ $redis == 1 ]]; then
  command -v redis-server >/dev/null || { echo "run.sh: redis-server is not installed" >&2; exit 2; }
  rport=$(free_port)
  redis-server --port "$rport" --bind 127.0.0.1 --save "" --appendonly no \
    --dir "$dir" --logfile "$dir/redis.log" &
  pids+=($!)
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$rport") 2>/dev/null && break
    sleep 0.05
  done
  seatd_args+=(--redis "redis://127.0.0.1:$rport")
  engine=redis
fi

ports=()
for i in $(seq 1 "$instances"); do
  log="$dir/seatd-$i.log"
  : >"$log"
  # shellcheck disable=SC2086
  env ${limits[@]+"${limits[@]}"} $wrap "$seatd" "${seatd_args[@]}" >"$log" 2>&1 &
  pid=$!
  pids+=("$pid")
  seatd_pids+=("$pid")
  port=""
  for _ in $(seq 1 1200); do   # up to 60 s (longer under valgrind)
    port=$(sed -n 's/.*seatd ready port=\([0-9]*\).*/\1/p' "$log" 2>/dev/null | head -1 || true)
    [[ -n "$port" ]] && break
    kill -0 "$pid" 2>/dev/null || { echo "run.sh: seatd exited:" >&2; cat "$log" >&2; exit 1; }
    sleep 0.05
  done
  [[ -n "$port" ]] || { echo "run.sh: seatd did not become ready" >&2; cat "$log" >&2; exit 1; }
  ports+=("$port")
done
port_list=$(IFS=,; echo "${ports[*]}")
pid_list=$(IFS=,; echo "${seatd_pids[*]}")
echo "run.sh: engine=$engine instances=$instances ports=$port_list pids=$pid_list hold_ttl=$hold_ttl" \
     "max_holds=$max_holds load=$(cut -d' ' -f1-3 /proc/loadavg)" >&2

if [[ -n "$scrape_s" ]]; then
  for port in "${ports[@]}"; do
    (while true; do
       curl -s -o /dev/null --max-time 5 "http://127.0.0.1:$port/metrics" || true
       sleep "$scrape_s"
     done) &
    pids+=($!)
  done
  echo "run.sh: scraping /metrics every ${scrape_s}s" >&2
fi

if [[ -n "$perf_out" ]]; then
  perf record -e cpu-clock -F 499 -g -o "$perf_out" -p "$pid_list" >"$dir/perf.log" 2>&1 &
  perf_pid=$!
fi

extra=(--server-pid "$pid_list")
[[ "$scenario" == soak && -n "$rport" ]] && extra+=(--redis-port "$rport")
set +e
if [[ $copies == 1 ]]; then
  "$bench" "$scenario" --port "$port_list" --engine "$engine" --seatd-binary "$seatd" \
    --database "$db" --schedule "$root/data/abctravels_schedule.xlsx" "${extra[@]}" "$@"
  code=$?
else
  bench_pids=()
  sync=()
  # fanout: the copies' drivers start together, once every copy has had time to connect.
  [[ "$scenario" == fanout ]] && sync=(--start-at $(( $(date +%s%3N) + sync_s * 1000 )))
  for k in $(seq 0 $((copies - 1))); do
    "$bench" "$scenario" --port "$port_list" --engine "$engine" --seatd-binary "$seatd" \
      --database "$db" --schedule "$root/data/abctravels_schedule.xlsx" "${extra[@]}" "$@" \
      --first-trip $((k + 1)) "${sync[@]}" >"$dir/bench-$k.out" 2>&1 &
    bench_pids+=($!)
  done
  code=0
  for k in $(seq 0 $((copies - 1))); do
    wait "${bench_pids[$k]}" || code=$?
    echo "---- copy $k (--first-trip $((k + 1)))"
    cat "$dir/bench-$k.out"
  done
fi
set -e
for i in $(seq 1 "$instances"); do
  if grep -qiE "error|critical" "$dir/seatd-$i.log"; then
    echo "run.sh: seatd $i logged errors:" >&2
    grep -iE "error|critical" "$dir/seatd-$i.log" | head -20 >&2
  fi
done
exit $code
