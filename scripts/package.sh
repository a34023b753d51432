#!/usr/bin/env bash
# Builds seatd's Debian package, checks it and proves it runs from the installed files:
#
#   scripts/package.sh           (as root: it installs the package, then purges it)
#
# 1. release build of seatd, `cpack -G DEB` (cmake/packaging.cmake);
# 2. lintian: no error and no warning;
# 3. dpkg -i; the unit passes `systemd-analyze verify`; postinst wrote /etc/seatd/seatd.env
#    (mode 0600) with a generated 256-bit SECRET_KEY, and an upgrade keeps it;
# 4. seatd starts from the installed files as the unit starts it (systemctl where systemd runs;
#    elsewhere, e.g. in a container, the unit's user-less equivalent: the environment file, the
#    state directory as working directory, an unprivileged user, no new privileges) and serves
#    the API, its descriptions (/openapi.json, /asyncapi.json) and the UI and /docs from
#    /usr/share/seatd/web, then stops cleanly on SIGTERM;
# 5. dpkg --purge removes it and its settings.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
[ "$(id -u)" -eq 0 ] || { echo "package: run as root (it installs the package)" >&2; exit 2; }
command -v lintian >/dev/null && command -v dpkg-shlibdeps >/dev/null || scripts/install-deps.sh

echo "=== package: build"
scripts/docs-ui.sh  # Swagger UI into web/docs/vendor, which the package installs with web/
cmake --preset release >/dev/null
cmake --build --preset release -j"${SEATD_JOBS:-$(nproc)}" --target seatd
(cd build/release && rm -f seatd_*.deb && cpack -G DEB >/dev/null)
deb=$(ls "$root"/build/release/seatd_*.deb)
echo "=== package: $(basename "$deb")"
dpkg-deb -f "$deb" Package Version Depends

echo "=== package: lintian"
lintian --tag-display-limit 0 --fail-on error,warning "$deb"

work=$(mktemp -d "${TMPDIR:-/tmp}/seatd-package.XXXXXX")
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  dpkg --purge seatd >/dev/null 2>&1 || true
  rm -rf "$work" /var/lib/seatd-package-test
}
trap cleanup EXIT

echo "=== package: install"
dpkg --purge seatd >/dev/null 2>&1 || true
apt-get install -y -qq "$deb" >/dev/null 2>&1 || dpkg -i "$deb"
systemd-analyze verify /lib/systemd/system/seatd.service
[ "$(stat -c %a /etc/seatd/seatd.env)" = 600 ] || { echo "package: /etc/seatd/seatd.env is not 0600" >&2; exit 1; }
key=$(sed -n 's/^SECRET_KEY=//p' /etc/seatd/seatd.env)
[[ "$key" =~ ^[0-9a-f]{64}$ ]] || { echo "package: no generated SECRET_KEY in /etc/seatd/seatd.env" >&2; exit 1; }
dpkg -i "$deb" >/dev/null  # an upgrade (here: a reinstall) keeps the settings and the key
[ "$(sed -n 's/^SECRET_KEY=//p' /etc/seatd/seatd.env)" = "$key" ] || { echo "package: reinstall changed SECRET_KEY" >&2; exit 1; }
version=$(/usr/bin/seatd --version)
echo "$version"
commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
[[ "$version" == *"$commit"* ]] || { echo "package: --version does not name commit $commit" >&2; exit 1; }

echo "=== package: start from the installed files"
if [ -d /run/systemd/system ]; then
  # The unit listens on SEATD_PORT (8000 by default) as the real service would.
  systemctl restart seatd
  port=$(sed -n 's/^SEATD_PORT=//p' /etc/seatd/seatd.env)
  for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/" >/dev/null 2>&1 && break; sleep 0.1; done
else
  # No systemd (a container): what the unit does, by hand. A throwaway state directory stands
  # in for StateDirectory=, `nobody` for DynamicUser=, setpriv for NoNewPrivileges=.
  state=/var/lib/seatd-package-test
  rm -rf "$state" && mkdir -p "$state" && chown nobody:nogroup "$state" && chmod 0750 "$state"
  cp /etc/seatd/seatd.env "$work/env"
  sed -i "s|^SEATD_PORT=.*|SEATD_PORT=0|; s|^SEATD_HOST=.*|SEATD_HOST=127.0.0.1|; s|/var/lib/seatd/|$state/|g" "$work/env"
  (
    set -a; . "$work/env"; set +a
    cd "$state"
    exec setpriv --reuid=nobody --regid=nogroup --clear-groups --no-new-privs /usr/bin/seatd
  ) >"$work/out.log" 2>"$work/err.log" &
  pid=$!
  port=""
  for _ in $(seq 1 300); do
    port=$(sed -n 's/^seatd ready port=\([0-9][0-9]*\)$/\1/p' "$work/out.log" | head -n1 || true)
    [ -n "$port" ] && break
    kill -0 "$pid" 2>/dev/null || { cat "$work/err.log" >&2; echo "package: seatd exited" >&2; exit 1; }
    sleep 0.1
  done
  [ -n "$port" ] || { cat "$work/err.log" >&2; echo "package: seatd not ready" >&2; exit 1; }
  grep -q 'production' "$work/env"
fi
base="http://127.0.0.1:$port"
curl -fsS "$base/trips/cities" >/dev/null
curl -fsS -H 'Accept: text/html' "$base/" | grep -q '<title>' || { echo "package: the UI is not served from /usr/share/seatd/web" >&2; exit 1; }
curl -fsS "$base/js/app.js" -o /dev/null 2>/dev/null || curl -fsS "$base/app.js" -o /dev/null
# The API's descriptions (compiled in) and the interactive docs (Swagger UI from the web root).
# (Read whole, then matched: `curl | grep -q` fails under pipefail when grep stops reading early.)
openapi=$(curl -fsS "$base/openapi.json") asyncapi=$(curl -fsS "$base/asyncapi.json") docs=$(curl -fsS "$base/docs")
[[ "$openapi" == *'"openapi": "3.1'* ]] || { echo "package: no /openapi.json" >&2; exit 1; }
[[ "$asyncapi" == *'"asyncapi": "3'* ]] || { echo "package: no /asyncapi.json" >&2; exit 1; }
[[ "$docs" == *swagger-ui-bundle.js* ]] || { echo "package: no /docs page" >&2; exit 1; }
curl -fsS "$base/docs/vendor/swagger-ui-bundle.js" -o /dev/null || { echo "package: Swagger UI is not installed" >&2; exit 1; }
if [ -n "$pid" ]; then
  # The shipped schedule imports into the installed server's database.
  (set -a; . "$work/env"; set +a; cd "$state" && setpriv --reuid=nobody --regid=nogroup --clear-groups \
     /usr/bin/seatd import /usr/share/seatd/abctravels_schedule.xlsx) | tail -n1
  trips=$(curl -fsS "$base/trips/cities" | tr -cd ',' | wc -c)
  [ "$trips" -ge 1 ] || { echo "package: no cities after the import" >&2; exit 1; }
  kill -TERM "$pid"
  wait "$pid" || { echo "package: seatd did not exit cleanly on SIGTERM" >&2; exit 1; }
  pid=""
else
  systemctl stop seatd
fi

echo "=== package: purge"
dpkg --purge seatd >/dev/null
[ ! -e /etc/seatd/seatd.env ] || { echo "package: purge left /etc/seatd/seatd.env" >&2; exit 1; }
[ ! -e /usr/bin/seatd ] || { echo "package: purge left /usr/bin/seatd" >&2; exit 1; }
echo "=== package: passed ($(basename "$deb"))"
