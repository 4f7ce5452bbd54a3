#!/bin/sh
# contrib/docker-build.sh SRCDIR BUILDDIR DESTDIR: build Retrovue out of
# the source tree and install it under DESTDIR with prefix /usr. The
# Dockerfile's build stage runs it; tests/system/docker_steps.sh runs it too (with
# the build directory the tests were built in, which it reuses as it is).
set -e
src=$(cd "$1" && pwd)
build=$2
dest=$3
[ -x "$src/configure" ] || (cd "$src" && autoreconf -fi)
# A tree configured in place (contrib/setup.sh does that) builds in place.
[ -f "$src/config.status" ] && build=$src
mkdir -p "$build"
cd "$build"
[ -f Makefile ] || "$src/configure" -q --prefix=/usr --sysconfdir=/etc
make -j"$(nproc)"
make install DESTDIR="$dest" prefix=/usr sysconfdir=/etc
