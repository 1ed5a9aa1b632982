#!/bin/sh
# Checks that clang can link a libFuzzer program (-fsanitize=fuzzer) before `make fuzz` builds.
# On Debian the runtime is in libclang-rt-<version>-dev (installed by `make deps` for CI).
set -eu
command -v clang >/dev/null 2>&1 || { echo "fuzz: clang not found: apt-get install clang" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/t.c" <<'C'
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }
C
if ! clang -fsanitize=fuzzer "$tmp/t.c" -o "$tmp/t" >"$tmp/log" 2>&1; then
    v=$(clang --version | sed -n 's/.*clang version \([0-9]*\).*/\1/p' | head -n 1)
    echo "fuzz: clang cannot link -fsanitize=fuzzer:" >&2
    tail -n 3 "$tmp/log" >&2
    echo "fuzz: install libFuzzer's runtime: apt-get install libclang-rt-$v-dev (or make deps)" >&2
    exit 1
fi
