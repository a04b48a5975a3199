#!/usr/bin/env bash
# The main job: set up (idempotent), build, and serve Agnes with demo data on http://127.0.0.1:8000.
# Usage: scripts/start.sh [agnes arguments...]   (default: serve --demo)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh
swift build --product agnes
BIN="$(swift build --show-bin-path)/agnes"
if [ "$#" -eq 0 ]; then set -- serve --demo; fi
exec "$BIN" "$@"
