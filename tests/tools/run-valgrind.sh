#!/bin/sh
# Runs each unit test binary given under valgrind memcheck: any memory error or definite leak
# fails it. Logs in $BUILD/valgrind/. Exits 1 on any failure.
set -u
command -v valgrind >/dev/null 2>&1 || { echo "valgrind: not installed (apt-get install valgrind)"; exit 1; }
dir=${BUILD:-build}/valgrind
mkdir -p "$dir"
failed=""
for bin in "$@"; do
    name=$(basename "$bin")
    start=$(date +%s)
    if valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
        --show-leak-kinds=definite --log-file="$dir/$name.vg" "$bin" >"$dir/$name.log" 2>&1; then
        printf 'PASS valgrind/%-30s %4ss\n' "$name" "$(($(date +%s) - start))"
    else
        failed="$failed $name"
        printf 'FAIL valgrind/%-30s %4ss  (logs: %s.{log,vg})\n' "$name" "$(($(date +%s) - start))" \
            "$dir/$name"
        tail -n 30 "$dir/$name.vg" | sed 's/^/    | /'
    fi
done
[ -z "$failed" ] || { echo "valgrind failed:$failed"; exit 1; }
echo "valgrind: ok ($# programs)"
