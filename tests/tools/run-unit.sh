#!/bin/sh
# Run only the unit test binaries (make unit).
exec env -u PIPETOP sh "$(dirname "$0")/run-all.sh" "$@" </dev/null
