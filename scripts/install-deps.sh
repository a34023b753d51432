#!/usr/bin/env bash
# Installs every Debian package seatd's build, run and tests need. Idempotent; needs root
# (or sudo). Boost 1.81 replaces the image's 1.74 (Debian then removes python3-matplotlib and
# python3-scipy, which depend on 1.74: expected).
set -euo pipefail
packages=(
  build-essential cmake ninja-build pkg-config git ccache
  clang-14 libclang-rt-14-dev
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsqlite3-dev libpq-dev libhiredis-dev libsodium-dev
  libspdlog-dev libfmt-dev libcli11-dev
  libzip-dev libexpat1-dev
  libhpdf-dev libqrencode-dev libcurl4-openssl-dev fonts-dejavu-core
  libgtest-dev libgmock-dev libbenchmark-dev
  redis-server postgresql sqlite3 chromium nodejs nginx
  poppler-utils zbar-tools python3-aiosmtpd
  dpkg-dev lintian curl
  prometheus  # promtool checks /metrics; the server scrapes seatd in an integration test
)
command -v npm >/dev/null || packages+=(npm)  # Debian's npm conflicts with NodeSource's nodejs, which bundles npm
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  echo "installing: ${missing[*]}"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}"
fi
