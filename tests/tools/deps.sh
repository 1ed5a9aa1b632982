#!/bin/sh
# Install the Debian packages pipetop needs to build, test and run its demo.
# Idempotent: checks pkg-config modules and binaries first and installs only what is missing.
set -eu

missing=""
need_pc() { pkg-config --exists "$1" 2>/dev/null || missing="$missing $2"; }
need_bin() { command -v "$1" >/dev/null 2>&1 || missing="$missing $2"; }
need_file() { [ -e "$1" ] || missing="$missing $2"; }

need_bin pkg-config pkg-config
need_bin cc gcc
need_bin make make
if command -v pkg-config >/dev/null 2>&1; then
    need_pc ncursesw libncurses-dev
    need_pc libcurl libcurl4-openssl-dev
    need_pc jansson libjansson-dev
    need_pc openssl libssl-dev
    need_pc sqlite3 libsqlite3-dev
    need_pc expat libexpat1-dev
    need_pc zlib zlib1g-dev
    need_pc inih libinih-dev
    need_pc cmocka libcmocka-dev
    need_pc libmicrohttpd libmicrohttpd-dev
else
    missing="$missing libncurses-dev libcurl4-openssl-dev libjansson-dev libssl-dev libsqlite3-dev"
    missing="$missing libexpat1-dev zlib1g-dev libinih-dev libcmocka-dev libmicrohttpd-dev"
fi
need_bin tmux tmux
need_bin sqlite3 sqlite3
need_bin clang-format clang-format
need_file /usr/share/zoneinfo/Asia/Tokyo tzdata
need_file /etc/ssl/certs/ca-certificates.crt ca-certificates
need_bin openssl openssl
need_bin curl curl          # integration tests talk to the fake cloud's control endpoint
need_bin python3 python3    # integration tests check JSON output
need_bin script bsdutils    # colour tests run commands on a pty
need_bin faketime faketime  # tests/integration/timeofday.sh runs the demo at chosen hours
# CI runs `make fuzz-quick`: clang with libFuzzer (Debian 12 ships its runtime separately).
need_bin clang clang
need_file /usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a libclang-rt-14-dev

if [ -z "$missing" ]; then
    echo "deps: all build and test packages are present"
    exit 0
fi

echo "deps: installing:$missing"
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "deps: need root or sudo to install:$missing" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
echo "deps: done"
