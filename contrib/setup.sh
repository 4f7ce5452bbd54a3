#!/bin/sh
# contrib/setup.sh: install what Retrovue needs from Debian 12's packages,
# then configure and build it in the source tree. Both README commands
# start with it. Run as root on a fresh machine; later runs skip what is
# already there. Extra arguments go to ./configure.
set -e
cd "$(dirname "$0")/.."

# Build dependencies, then the tools the tests and the demo use.
PACKAGES="build-essential autoconf automake pkg-config
  libncurses-dev libavformat-dev libavcodec-dev libavfilter-dev libavutil-dev
  libswscale-dev libswresample-dev libsqlite3-dev libcurl4-openssl-dev
  libxml2-dev libjansson-dev libmicrohttpd-dev libchafa-dev libglib2.0-dev check
  libfontconfig-dev libass-dev libespeak-ng-dev
  ffmpeg sqlite3 curl libxml2-utils xmltv-util tmux multimon-ng sox
  fonts-dejavu-core python3 wrk nginx-light time tzdata strace iproute2"

missing=""
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "setup: installing$missing"
	if [ "$(id -u)" -ne 0 ]; then
		echo "setup: run as root (or install these packages first)" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $missing
fi

if [ ! -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt Makefile.in ]; then
	autoreconf -fi
fi
# CI builds with warnings as errors.
[ "${CI:-}" = true ] && set -- --enable-werror "$@"
if [ ! -f Makefile ] || [ configure -nt config.status ] || [ $# -gt 0 ]; then
	./configure "$@"
fi
make -j"$(nproc)"
