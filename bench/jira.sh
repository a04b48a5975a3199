#!/usr/bin/env bash
# Jira: webhook-to-queryable latency (p50, p99; target p50 < 1 s) next to the Jira calls behind it,
# sustained events per second over 1,000 issues next to fetching them alone, and the transforms a burst
# of 100 events on one issue costs (target 1-2). Against a fake Jira Cloud on 127.0.0.1.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh >/dev/null
swift build -c release --product agnes-bench >/dev/null
BIN="$(swift build -c release --show-bin-path)/agnes-bench"
DIR="$ROOT/bench/data/jira"
"$BIN" jira "$DIR" "${ISSUES:-1000}" "${ROUNDS:-100}"
rm -rf "$DIR"
