#!/bin/sh
# Layer rules of STYLE.md and banned functions. Prints every violation; exits 1 if any.
set -u
cd "$(dirname "$0")/../.." || exit 2
bad=0
fail() { echo "lint: $*"; bad=1; }

check() { # description, pattern, files...
    desc=$1
    pat=$2
    shift 2
    hits=$(grep -nE "$pat" "$@" 2>/dev/null)
    [ -n "$hits" ] && fail "$desc:" && echo "$hits" | sed 's/^/    /'
}

core=$(ls core/*.[ch] 2>/dev/null)
state=$(ls state/*.[ch] 2>/dev/null)
tui=$(ls tui/*.[ch] 2>/dev/null)
all="$core $state $tui $(ls tests/fakecloud/*.[ch] tests/unit/*.[ch] tests/fuzz/*.[ch] tests/failalloc/*.[ch] \
    tests/bench/*.[ch] 2>/dev/null)"

# curses only in tui/, and there only through tui/curses.h
[ -n "$core$state" ] && check "curses outside tui/" '#include *[<"](n?curses(w)?|ncursesw/[a-z]+)\.h[>"]' $core $state
[ -n "$tui" ] && check "curses included other than through tui/curses.h" \
    '#include *<(n?curses|ncursesw/[a-z]+)\.h>' $(echo "$tui" | tr ' ' '\n' | grep -v '^tui/curses.h$')
# curl and jansson never in tui/ or state/; curl only in core/http.c
[ -n "$tui$state" ] && check "curl/jansson/openssl/expat in tui/ or state/" \
    '#include *<(curl/curl|jansson|openssl/[a-z0-9_]+|expat)\.h>' $tui $state
[ -n "$core" ] && check "libcurl outside core/http.c" '#include *<curl/curl\.h>|CURL[A-Z_]*\*|curl_easy_|curl_multi_' \
    $(echo "$core" | tr ' ' '\n' | grep -v '^core/http\.c$')
# SQL only in state/
[ -n "$core$tui" ] && check "sqlite3 outside state/" '#include *<sqlite3\.h>|sqlite3_' $core $tui
[ -n "$core$tui" ] && check "SQL text outside state/" \
    '"[[:space:]]*(SELECT|INSERT INTO|UPDATE [a-z_]+ SET|DELETE FROM|CREATE TABLE|PRAGMA) ' $core $tui
# jansson's json_dumps/json_dumpb truncate an object key when memory runs out
# (akheron/jansson#655): pipetop writes JSON with jsonx_dumps (core/jsonx.c)
[ -n "$core$state$tui" ] && check "json_dumps/json_dumpb (use jsonx_dumps)" \
    '(^|[^a-z_0-9])json_dump(s|b)[[:space:]]*\(' $(echo "$core $state $tui" | tr ' ' '\n' | grep -v '^core/jsonx\.[ch]$')
# banned functions everywhere in our code
check "banned function" '(^|[^a-z_0-9.>])(strcpy|strcat|sprintf|vsprintf|gets|atoi|atol|strtok)[[:space:]]*\(' $all

if [ "$bad" -eq 0 ]; then
    echo "lint: ok ($(echo $all | wc -w) files)"
fi
exit $bad
