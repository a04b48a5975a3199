#!/usr/bin/env bash
# Corporate memory: GET /api/memory/bundle over 10,000 items (target p50 < 20 ms), next to the
# repository's bundle query alone and GET /api/version.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh >/dev/null
swift build -c release --product agnes-bench >/dev/null
BIN="$(swift build -c release --show-bin-path)/agnes-bench"
DIR="$ROOT/bench/data/memory"
"$BIN" memory "$DIR" "${ITEMS:-10000}" "${ROUNDS:-200}"
rm -rf "$DIR"
