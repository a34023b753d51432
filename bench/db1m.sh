#!/usr/bin/env bash
# seatd on a database that already holds a million bookings: fill, check the plans, measure.
#
#   bench/db1m.sh [options] sqlite|postgres
#
# Options:
#   --bookings N     bookings to fill in (default 1000000; one seat each, 40 per trip)
#   --clients C      booking clients (default 20); search clients are 10, analytics clients 2
#   --duration S     seconds per measurement (default 10)
#   --pool N         PostgreSQL pool_size of seatd (default 8)
#   --seatd PATH     seatd binary (default build/release/seatd)
#   --bench PATH     seatd-bench binary (default build/release/seatd-bench)
#   --json-out FILE  append the bench's JSON lines here (default bench/results/db1m-DATE.jsonl)
#   --keep           keep the temporary directory (database, logs)
#
# Steps: a fresh database in a temporary directory (postgres: a PostgreSQL 15 cluster of its
# own, initdb defaults — fsync and synchronous_commit on — on a free 127.0.0.1 port, run as the
# `postgres` user when this runs as root); `seatd admin create` (which runs the migrations);
# `seatd import` of the 200-trip schedule ten times (trips 1-2000, from next week on: free seats
# for the booking runs, none departed); the fill (bench/sql/fill_{sqlite,postgres}.sql: 25,000 past trips, 100,000 users,
# N bookings, through the real schema, then ANALYZE); EXPLAIN of the store's read queries at
# that size (printed); then one release seatd and four seatd-bench runs: `bookings` (lock +
# POST /bookings/ on trips 1-2000) spread over the trips, then trip after trip; `reads` of a
# search (trip 1's route and day); `reads` of /admin/analytics. The bench's JSON lines go to --json-out.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seatd="$root/build/release/seatd"
bench="$root/build/release/seatd-bench"
bookings=1000000
clients=20
duration=10
pool=8
keep=0
json_out="$root/bench/results/db1m-$(date -u +%F).jsonl"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --bookings) bookings="$2"; shift 2 ;;
    --clients) clients="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --pool) pool="$2"; shift 2 ;;
    --seatd) seatd="$2"; shift 2 ;;
    --bench) bench="$2"; shift 2 ;;
    --json-out) json_out="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
    *) break ;;
  esac
done
[[ $# -eq 1 && ( "$1" == sqlite || "$1" == postgres ) ]] ||
  { echo "db1m.sh: sqlite or postgres?" >&2; exit 2; }
kind="$1"
for b in "$seatd" "$bench"; do
  [[ -x "$b" ]] || { echo "db1m.sh: $b not found (cmake --preset release; cmake --build --preset release --target seatd seatd-bench)" >&2; exit 2; }
done
(( bookings >= 40 && bookings % 40 == 0 )) || { echo "db1m.sh: --bookings must be a multiple of 40" >&2; exit 2; }

dir="$(mktemp -d /tmp/seatd-db1m.XXXXXX)"
chmod 755 "$dir"
seatd_pid=""
pg_bin=/usr/lib/postgresql/15/bin
as_pg=()
[[ $(id -u) == 0 ]] && as_pg=(runuser -u postgres --)
cleanup() {
  local code=$?
  if [[ -n "$seatd_pid" ]]; then
    kill -TERM "$seatd_pid" 2>/dev/null || true
    wait "$seatd_pid" 2>/dev/null || true
  fi
  if [[ -d "$dir/pg" ]]; then
    (cd / && "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$dir/pg" -m fast -w stop >/dev/null 2>&1) || true
  fi
  if [[ $keep == 1 ]]; then echo "db1m.sh: kept $dir" >&2; else rm -rf "$dir"; fi
  exit $code
}
trap cleanup EXIT INT TERM

source "$root/bench/lib.sh"  # free_port
stamp() { echo "db1m.sh: $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg): $*" >&2; }

# ---- the database
if [[ $kind == postgres ]]; then
  mkdir -p "$dir/sock"
  [[ $(id -u) == 0 ]] && chown postgres: "$dir" "$dir/sock"
  (cd / && "${as_pg[@]}" "$pg_bin/initdb" -D "$dir/pg" -U seatd -A trust -E UTF8 \
     --locale=C.UTF-8 --no-instructions >"$dir/initdb.log" 2>&1) ||
    { cat "$dir/initdb.log" >&2; exit 1; }
  pgport=$(free_port)
  cat >>"$dir/pg/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $pgport
unix_socket_directories = '$dir/sock'
max_connections = 100
EOF
  (cd / && "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$dir/pg" -l "$dir/pg.log" -w start >/dev/null) ||
    { cat "$dir/pg.log" >&2; exit 1; }
  base="postgresql://seatd@127.0.0.1:$pgport"
  psql -q "$base/postgres" -c "CREATE DATABASE seatd"
  plain="$base/seatd"
  url="$plain?pool_size=$pool"
  sql() { psql -X -q -A -t "$plain" -c "$1"; }
else
  file="$dir/seatd.db"
  url="sqlite:///$file"
  sql() { sqlite3 "$file" "$1"; }
fi
common=(--database "$url" --env-file "$dir/none.env" --log-level warn)
"$seatd" "${common[@]}" admin create --email admin@db1m.example.com \
  --password bench-admin-password >"$dir/admin.log" 2>&1 || { cat "$dir/admin.log" >&2; exit 1; }
# trips 1-2000 (ten weeks of the schedule from next week on, so none departs during the run):
# 80,000 free seats
week_of=(--week-of "$(next_monday)")
for week in $(seq 1 10); do
  "$seatd" "${common[@]}" import "$root/data/abctravels_schedule.xlsx" "${week_of[@]}" \
    >"$dir/import.log" 2>&1 || { cat "$dir/import.log" >&2; exit 1; }
  week_of=()  # the next weeks follow the latest trip
done

stamp "filling $kind with $bookings bookings"
t0=$(date +%s%3N)
if [[ $kind == postgres ]]; then
  psql -X -q "$plain" -v bookings="$bookings" -f "$root/bench/sql/fill_postgres.sql"
  size=$(sql "SELECT pg_size_pretty(pg_database_size('seatd'))")
else
  { echo "CREATE TEMP TABLE fill_params AS SELECT $bookings AS bookings;"
    cat "$root/bench/sql/fill_sqlite.sql"; } | sqlite3 "$file"
  size="$(( $(stat -c %s "$file") / 1048576 )) MiB"
fi
t1=$(date +%s%3N)
ms=$(( t1 - t0 ))
stamp "filled in $(( ms / 1000 )).$(( ms % 1000 / 100 )) s; database size $size"

# ---- plans of the store's read queries (the same SQL as src/store/*_store.cpp)
mid=$(( bookings / 80 ))  # a fill trip in the middle of the year
read -r trip_id src dst day <<<"$(sql "SELECT id, source, destination, substr(CAST(departure_time AS text), 1, 10) FROM trips WHERE operator = 'FILL' ORDER BY id LIMIT 1 OFFSET $mid" | tr '|' ' ')"
user_id=$(sql "SELECT user_id FROM bookings WHERE trip_id = $trip_id LIMIT 1")
next=$(date -d "$day + 1 day" +%F)
week=$(date -d "-6 days" +%F)
tomorrow=$(date -d "+1 day" +%F)
if [[ $kind == postgres ]]; then
  explain() { echo "--- $1"; psql -X -q -A -t "$plain" -c "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) $2"; }
  summary_where="WHERE lower(t.source) = lower('$src') AND lower(t.destination) = lower('$dst') AND t.departure_time >= '$day'::timestamp AND t.departure_time < '$next'::timestamp"
  trend="SELECT created_at::date - '$week'::date, coalesce(sum(price), 0) FROM bookings WHERE status = 'confirmed' AND created_at >= '$week'::timestamp AND created_at < '$tomorrow'::timestamp GROUP BY 1"
else
  explain() { echo "--- $1"; sqlite3 "$file" "EXPLAIN QUERY PLAN $2"; }
  summary_where="WHERE t.departure_time >= '${day}T00:00:00' AND t.departure_time < '${next}T00:00:00' AND lower(t.source) = lower('$src') AND lower(t.destination) = lower('$dst')"
  trend="SELECT coalesce(sum(price), 0) FROM bookings WHERE status = 'confirmed' AND created_at >= '${week}T00:00:00' AND created_at < '${tomorrow}T00:00:00'"
fi
totals="SELECT (SELECT count(*) FROM users), coalesce(sum(t.booked_seats), 0), coalesce(sum(b.total_seats), 0), coalesce(sum(t.revenue), 0) FROM trips t JOIN buses b ON b.id = t.bus_id"
{
  explain "search_trips" "SELECT t.id, (SELECT count(*) FROM bookings bk WHERE bk.trip_id = t.id AND bk.status = 'confirmed') FROM trips t JOIN buses b ON b.id = t.bus_id $summary_where ORDER BY t.departure_time, t.id"
  explain "list_seats" "SELECT s.id, EXISTS (SELECT 1 FROM bookings bk WHERE bk.trip_id = s.trip_id AND bk.seat_number = s.seat_number AND bk.status = 'confirmed') FROM seats s WHERE s.trip_id = $trip_id ORDER BY s.seat_number"
  explain "list_tickets" "SELECT bk.booking_number FROM bookings bk JOIN trips t ON t.id = bk.trip_id JOIN buses b ON b.id = t.bus_id JOIN users u ON u.id = bk.user_id JOIN (SELECT booking_number, min(id) AS first_id FROM bookings WHERE user_id = $user_id GROUP BY booking_number) g ON g.booking_number = bk.booking_number WHERE bk.user_id = $user_id ORDER BY bk.created_at DESC, g.first_id DESC, bk.seat_number"
  explain "find_ticket" "SELECT bk.seat_number FROM bookings bk JOIN trips t ON t.id = bk.trip_id JOIN buses b ON b.id = t.bus_id JOIN users u ON u.id = bk.user_id WHERE bk.booking_number = 'FILL00000123' ORDER BY bk.seat_number"
  explain "create_booking: seats taken" "SELECT seat_number FROM bookings WHERE trip_id = $trip_id AND status = 'confirmed'"
  explain "create_booking: number in use" "SELECT 1 FROM bookings WHERE booking_number = 'BKXXXXXX' LIMIT 1"
  explain "analytics: trend" "$trend"
  explain "analytics: top buses" "SELECT b.bus_name, sum(t.booked_seats), sum(t.revenue) AS revenue FROM trips t JOIN buses b ON b.id = t.bus_id WHERE t.booked_seats > 0 GROUP BY b.id, b.bus_name ORDER BY revenue DESC, b.bus_name LIMIT 5"
  explain "analytics: totals" "$totals"
} | tee "$dir/explain.txt"

# ---- seatd and the measurements
log="$dir/seatd.log"
# One address plays many users: the per-client defences are off.
env "${one_address_many_users[@]}" "$seatd" --host 127.0.0.1 --port 0 "${common[@]}" --secret-key "db1m-$(date +%s%N)-0123456789abcdefghij" \
  --fast-password-hash --access-log false --max-holds 100 >"$log" 2>&1 &
seatd_pid=$!
port=""
for _ in $(seq 1 600); do
  port=$(sed -n 's/.*seatd ready port=\([0-9]*\).*/\1/p' "$log" 2>/dev/null | head -1 || true)
  [[ -n "$port" ]] && break
  kill -0 "$seatd_pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.05
done
[[ -n "$port" ]] || { echo "db1m.sh: seatd did not become ready" >&2; cat "$log" >&2; exit 1; }
mkdir -p "$(dirname "$json_out")"
run_bench() {
  stamp "seatd-bench $*"
  "$bench" "$@" --port "$port" --server-pid "$seatd_pid" --engine "$kind" --tag "db1m-$bookings" \
    --admin-email admin@db1m.example.com --admin-password bench-admin-password --json-out "$json_out"
}
run_bench bookings --clients "$clients" --duration "$duration" --max-bookings 40000
run_bench bookings --clients "$clients" --duration "$duration" --max-bookings 40000 --trip-after-trip
# The search asks for a day still on sale (a past day is answered at once, without a query):
# the route and day of trip 1, among the 27,000 trips.
IFS='|' read -r ssrc sdst sday <<<"$(sql "SELECT source, destination, substr(CAST(departure_time AS text), 1, 10) FROM trips WHERE id = 1")"
run_bench reads --clients 10 --duration "$duration" \
  --path "/trips/search?source=${ssrc// /%20}&destination=${sdst// /%20}&travel_date=$sday"
run_bench reads --clients 2 --duration "$duration" --path /admin/analytics
stamp "done"
