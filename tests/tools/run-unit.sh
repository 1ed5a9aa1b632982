#!/bin/sh
# Run only the unit test binaries (make unit).
exec env -u PIPETOP UNIT_ONLY=1 sh "$(dirname "$0")/run-all.sh" "$@" </dev/null
