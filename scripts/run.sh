#!/usr/bin/env bash
# The README's run command: install, build (release), and start seatd on embedded defaults
# (SQLite file + in-process holds) with the real ABC Travels schedule and demo accounts.
# Extra arguments go to seatd (e.g. --port 9000).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/docs-ui.sh  # Swagger UI for /docs, into web/docs/vendor
cmake --preset release -DSEATD_TESTS=OFF >/dev/null
cmake --build --preset release -j"$(nproc)"
exec build/release/seatd --demo --demo-schedule data/abctravels_schedule.xlsx \
  --database "${DATABASE_URL:-sqlite:///seatd-demo.db}" "$@"
