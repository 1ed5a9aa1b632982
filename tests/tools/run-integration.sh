#!/bin/sh
# Run only the integration scripts (make integration).
exec sh "$(dirname "$0")/run-all.sh"
