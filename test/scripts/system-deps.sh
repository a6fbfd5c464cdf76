#!/usr/bin/env bash
# Installs the Debian packages the tests use as real peers and independent
# readers, when they are missing and we are root. Without root it only lists
# what is missing (tests that need a missing tool fail under CI=true).
set -euo pipefail

need=()
have() { command -v "$1" >/dev/null 2>&1 || [ -x "$1" ]; }
check() { # <package> <any of these executables>
  local pkg=$1; shift
  for exe in "$@"; do if have "$exe"; then return 0; fi; done
  need+=("$pkg")
}

check openssl openssl
check openssh-server /usr/sbin/sshd
check openssh-client ssh-keygen
check at at
check default-jre-headless keytool
check chromium chromium /usr/bin/chromium
if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 && ! have pg_ctl; then need+=(postgresql); fi

if [ ${#need[@]} -eq 0 ]; then
  echo "system-deps: all present (openssl, sshd, ssh-keygen, at/atd, keytool, chromium, postgresql)"
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "system-deps: missing ${need[*]}; run as root (or: sudo apt-get install -y ${need[*]}) to install them" >&2
  exit 0
fi
echo "system-deps: installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
echo "system-deps: installed ${need[*]}"
