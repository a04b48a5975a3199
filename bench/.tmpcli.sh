#!/usr/bin/env bash
# The analyst CLI against an in-process server, each figure next to a floor measured in the same run:
# a no-change `agnes pull` with 1,000 tables (target < 0.3 s) next to `agnes --version`; a full pull of
# the demo data next to curl downloading the same files one after the other (target: faster).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh >/dev/null
:
:
BIN=.build/release
mkdir -p "$ROOT/bench/data"
"$BIN/agnes-bench" cli "$ROOT/bench/data/cli" "$BIN/agnes"
