#!/usr/bin/env bash
# Sets up (idempotent) and runs the whole test suite.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh
swift build --build-tests
# Swift Testing runs every test at once by default; on a 2-core machine hundreds of servers, DuckDB
# databases and fake SMTP/HTTP peers starting together starve each other into timeouts. A bounded
# width keeps the suite parallel and its timing checks meaningful (override by exporting the variable).
export SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH="${SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH:-6}"
# CI keeps only the end of the output: repeat every failure there, after the run.
log="$(mktemp -t agnes-test.XXXXXX)"
trap 'rm -f "$log"' EXIT
set +e
swift test --skip-build "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
if [ "$status" -ne 0 ]; then
    echo "=== the failures again (exit $status) ==="
    grep -E -A6 "✘ Test .*(recorded an issue|failed)|error: |Fatal error|fatalError|signal code" "$log" | grep -v "^--$" | head -150
fi
exit "$status"
