#!/bin/sh
# Installs what briefing builds and tests with (Debian packages), only when
# something is missing, so it is cheap to run every time.
set -e
PKGS="gcc make pkg-config libxxhash-dev libzstd-dev zstd libutf8proc-dev libstemmer-dev libjansson-dev libcmocka-dev python3"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
echo "installing:$missing" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
