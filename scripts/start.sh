#!/usr/bin/env bash
# The main job: set up (idempotent), build, and check/migrate the server install.
# Usage: scripts/start.sh [agnes arguments...]   (default: doctor)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh
swift build --product agnes
BIN="$(swift build --show-bin-path)/agnes"
if [ "$#" -eq 0 ]; then set -- doctor; fi
exec "$BIN" "$@"
