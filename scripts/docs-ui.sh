#!/usr/bin/env bash
# Swagger UI for the /docs page: installs swagger-ui-dist (packaging/docs-ui: the version its
# lock file pins; no install scripts run) and copies its bundle and stylesheet into
# web/docs/vendor/ (not committed: .gitignore), so the dev run, the tests and the Debian package
# (which installs web/) serve /docs from seatd itself, no CDN. Does nothing when that version is
# there already. scripts/run.sh, e2e.sh and package.sh call it.
set -euo pipefail
cd "$(dirname "$0")/.."
src=packaging/docs-ui
out=web/docs/vendor
command -v npm >/dev/null || scripts/install-deps.sh
version=$(node -p "require('./$src/package.json').dependencies['swagger-ui-dist']")
if [ "$(cat "$out/VERSION" 2>/dev/null)" = "$version" ] && [ -s "$out/swagger-ui-bundle.js" ] &&
   [ -s "$out/swagger-ui.css" ]; then
  exit 0
fi
(cd "$src" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
dist="$src/node_modules/swagger-ui-dist"
rm -rf "$out" && mkdir -p "$out"
cp "$dist/swagger-ui-bundle.js" "$dist/swagger-ui.css" "$dist/swagger-ui-bundle.js.LICENSE.txt" "$out/"
echo "$version" >"$out/VERSION"
echo "docs-ui: Swagger UI $version in $out"
