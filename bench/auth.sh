#!/usr/bin/env bash
# Authenticated-request overhead: /auth/me with a session JWT and with a PAT (JWT verify + user lookup
# + Admin check [+ PAT row]) next to /api/version without auth (the floor), on one listening server in
# one run; plus Authenticator.authenticate and bare HS256 verification in-process.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh >/dev/null
swift build -c release --product agnes-bench >/dev/null
BIN="$(swift build -c release --show-bin-path)/agnes-bench"
mkdir -p "$ROOT/bench/data"
"$BIN" auth "$ROOT/bench/data/auth" "${REQUESTS:-2000}"
