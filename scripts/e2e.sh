#!/usr/bin/env bash
# End-to-end tests of the browser UI: a real seatd (fresh SQLite file, 3-second holds) driven
# through Debian's headless Chromium by playwright-core (tests/e2e), /docs among the pages;
# then the API description's tests (scripts/api-test.sh, tests/api). Installs what it needs.
#
#   scripts/e2e.sh [path/to/seatd]      (default build/debug/seatd)
#   SEATD_E2E_ONLY='03-*' scripts/e2e.sh ...   runs only the matching test files (and not tests/api)
#
# Screenshots of every page go to test-results/e2e/screenshots/; seatd's logs to
# test-results/e2e/seatd.{out,err}.log. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bin=${1:-build/debug/seatd}
[[ "$bin" = /* ]] || bin="$root/$bin"
if [ ! -x "$bin" ]; then
  echo "e2e: no seatd binary at $bin (build it first: cmake --preset debug && cmake --build --preset debug)" >&2
  exit 2
fi

# Chromium, Node.js and npm (scripts/install-deps.sh installs them with the rest).
if ! command -v chromium >/dev/null || ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  scripts/install-deps.sh
fi
chromium_path=${SEATD_E2E_CHROMIUM:-$(command -v chromium)}

# playwright-core (it drives the system Chromium; no browser download).
(
  cd tests/e2e
  if [ -f package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error
  else
    npm install --no-audit --no-fund --loglevel=error
  fi
)

# Swagger UI for /docs (05-api-docs), into the source web root this seatd serves.
scripts/docs-ui.sh

results="$root/test-results/e2e"
rm -rf "$results"
mkdir -p "$results/screenshots"
work=$(mktemp -d "${TMPDIR:-/tmp}/seatd-e2e.XXXXXX")
seatd_pid=""
cleanup() {
  if [ -n "$seatd_pid" ] && kill -0 "$seatd_pid" 2>/dev/null; then
    kill -TERM "$seatd_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$seatd_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$seatd_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

database="sqlite:///$work/e2e.db"
secret=$(head -c 64 /dev/urandom | od -An -tx1 | tr -d ' \n' | head -c 40)
hold_ttl=3

echo "=== e2e: starting seatd ($bin)"
: >"$results/seatd.out.log"
# The tests re-take seats whose 3-second holds just lapsed: the anti-hoarding limits are
# relaxed, as in the component tests' harness. (They book next week's trips: nothing departs.)
SEATD_HOLD_COOLDOWN_SECONDS=0 SEATD_HOLD_RATE_PER_MINUTE=0 SEATD_MAX_HOLDS_PER_ACCOUNT=10000 \
SEATD_DRAIN_SECONDS=0 "$bin" --host 127.0.0.1 --port 0 --database "$database" --hold-ttl "$hold_ttl" \
  --fast-password-hash --secret-key "$secret" --web-root "$root/web" \
  >"$results/seatd.out.log" 2>"$results/seatd.err.log" &
seatd_pid=$!

port=""
for _ in $(seq 1 300); do
  port=$(sed -n 's/^seatd ready port=\([0-9][0-9]*\)$/\1/p' "$results/seatd.out.log" | head -n1 || true)
  [ -n "$port" ] && break
  if ! kill -0 "$seatd_pid" 2>/dev/null; then
    echo "e2e: seatd exited before it was ready:" >&2
    cat "$results/seatd.err.log" >&2
    exit 1
  fi
  sleep 0.1
done
if [ -z "$port" ]; then
  echo "e2e: seatd did not print 'seatd ready port=N' within 30 s" >&2
  tail -n 20 "$results/seatd.err.log" >&2
  exit 1
fi
echo "=== e2e: seatd ready on port $port"

admin_email="admin@e2e.test"
admin_password="e2e-admin-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')"
"$bin" --database "$database" --fast-password-hash --secret-key "$secret" \
  admin create --email "$admin_email" --password "$admin_password" --username "E2E Operator" >/dev/null

status=0
(
  cd tests/e2e
  SEATD_BASE_URL="http://127.0.0.1:$port" \
  SEATD_ADMIN_EMAIL="$admin_email" SEATD_ADMIN_PASSWORD="$admin_password" \
  SEATD_HOLD_TTL="$hold_ttl" SEATD_SCHEDULE="$root/data/abctravels_schedule.xlsx" \
  SEATD_SCREENSHOTS="$results/screenshots" SEATD_E2E_CHROMIUM="$chromium_path" \
  SEATD_E2E_ONLY="${SEATD_E2E_ONLY:-*}" \
    bash -c 'for f in $SEATD_E2E_ONLY.test.mjs; do echo "=== e2e: $f"; node --test --test-reporter=spec "$f" || exit 1; done'
) || status=$?

kill -TERM "$seatd_pid" 2>/dev/null || true
if ! wait "$seatd_pid"; then
  echo "e2e: seatd did not exit cleanly on SIGTERM" >&2
  [ "$status" -ne 0 ] || status=1
fi
seatd_pid=""

# The API description against its own seatd (tests/api): document checks, every answer
# validated against its documented schema.
if [ "$status" -eq 0 ] && [ -z "${SEATD_E2E_ONLY:-}" ]; then
  scripts/api-test.sh "$bin" || status=$?
fi

if [ "$status" -ne 0 ]; then
  echo "=== e2e: FAILED (screenshots and seatd logs in $results)" >&2
  exit "$status"
fi
echo "=== e2e: passed (screenshots in $results/screenshots)"
