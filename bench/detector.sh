#!/usr/bin/env bash
# Corporate memory: the verification detector's own throughput over uploaded session transcripts,
# with the (fake) LLM's time subtracted, next to the floor of reading and hashing the files.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh >/dev/null
swift build -c release --product agnes-bench >/dev/null
BIN="$(swift build -c release --show-bin-path)/agnes-bench"
"$BIN" detector "$ROOT/bench/data/detector" "${SESSIONS:-200}" "${TURNS:-60}"
