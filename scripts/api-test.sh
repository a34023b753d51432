#!/usr/bin/env bash
# The API description's tests in the Node tier (tests/api): docs/api/openapi.json and
# asyncapi.json checked against the OpenAPI 3.1 and AsyncAPI 3.0 schemas, then a real seatd
# (its own, fresh SQLite file) used as a traveller, an admin and a hostile client, every answer
# validated against the documented schema of its route and status, every WebSocket message
# against its AsyncAPI payload. Installs what it needs (npm ci: ajv, ajv-formats,
# @seriousme/openapi-schema-validator, @redocly/openapi-core, @asyncapi/specs, ws); no network
# at test time. scripts/e2e.sh runs it.
#
#   scripts/api-test.sh [path/to/seatd]      (default build/debug/seatd)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/debug/seatd}
[[ "$bin" = /* ]] || bin="$PWD/$bin"
if [ ! -x "$bin" ]; then
  echo "api-test: no seatd binary at $bin (build it first)" >&2
  exit 2
fi
command -v node >/dev/null && command -v npm >/dev/null || scripts/install-deps.sh
cd tests/api
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
echo "=== api: the API description against a real seatd ($bin)"
REDOCLY_TELEMETRY=off SEATD_BIN="$bin" node --test --test-reporter=spec api_description.test.mjs
