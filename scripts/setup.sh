#!/usr/bin/env bash
# Installs what Agnes needs to build and run, idempotently:
#   - Debian's libargon2-dev (verifies the Argon2 password hashes of accounts migrated from the original);
#   - Debian's zlib1g-dev (gzip-encoded responses);
#   - Debian's chromium and chromium-driver (the browser tests drive a headless Chromium over WebDriver);
#   - Debian's libpython3.11 (the DuckDB wheel's extension module references Python C-API symbols;
#     nothing we call enters Python, but the linker and loader must resolve them);
#   - the `duckdb` wheel from PyPI (pinned), unpacked into .duckdb/ and exposed as .duckdb/lib/libduckdb.so.
# A second run with everything in place touches no network.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DUCKDB_VERSION="2.0.1"
DUCKDB_DIR="$ROOT/.duckdb"
LIB_DIR="$DUCKDB_DIR/lib"
WHEEL_DIR="$DUCKDB_DIR/wheel"
PYLIB_SONAME="libpython3.11.so.1.0"

say() { printf 'setup: %s\n' "$*" >&2; }

# --check: only report whether the DuckDB library is in place (no installs, no network).
if [ "${1:-}" = "--check" ]; then
    CHECK_DIR="${AGNES_DUCKDB_LIB_DIR:-$LIB_DIR}"
    if [ -f "$CHECK_DIR/libduckdb.so" ] && [ -e "$CHECK_DIR/libpython3.11.so" ]; then
        say "DuckDB $(cat "$DUCKDB_DIR/VERSION" 2>/dev/null || echo '?') is installed in $CHECK_DIR"
        exit 0
    fi
    say "DuckDB is not installed in $CHECK_DIR"
    say "hint: run scripts/setup.sh (it fetches the duckdb $DUCKDB_VERSION wheel from PyPI and libpython3.11 through apt)"
    exit 1
fi

find_libpython() {
    local candidate
    for candidate in /usr/lib/x86_64-linux-gnu/$PYLIB_SONAME /usr/lib/$PYLIB_SONAME /usr/local/lib/$PYLIB_SONAME; do
        [ -f "$candidate" ] && { echo "$candidate"; return 0; }
    done
    ldconfig -p 2>/dev/null | awk -v so="$PYLIB_SONAME" '$1 == so { print $NF; exit }'
}

# Installs Debian packages through apt (with sudo when not root).
apt_install() {
    say "installing $* through apt"
    if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}

# 1. libpython3.11 (Debian package), only when missing.
pylib="$(find_libpython || true)"
if [ -z "$pylib" ]; then
    apt_install libpython3.11
    pylib="$(find_libpython || true)"
    [ -n "$pylib" ] || { say "libpython3.11 is still missing after apt-get install"; exit 1; }
fi

# 1b. libargon2's header and link name (Debian package libargon2-dev), only when missing.
if [ ! -f /usr/include/argon2.h ]; then
    apt_install libargon2-dev
    [ -f /usr/include/argon2.h ] || { say "argon2.h is still missing after apt-get install libargon2-dev"; exit 1; }
fi

# 1c. zlib's header and link name (Debian package zlib1g-dev), only when missing.
if [ ! -f /usr/include/zlib.h ]; then
    apt_install zlib1g-dev
    [ -f /usr/include/zlib.h ] || { say "zlib.h is still missing after apt-get install zlib1g-dev"; exit 1; }
fi

# 1d. Chromium and its WebDriver (Debian packages chromium, chromium-driver) for the browser tests,
#     only when missing (CHROMIUM and CHROMEDRIVER name other ones, as for the tests).
if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ] || [ ! -x "${CHROMEDRIVER:-/usr/bin/chromedriver}" ]; then
    apt_install chromium chromium-driver  # the browser tests drive them
    [ -x /usr/bin/chromedriver ] || { say "chromedriver is still missing after apt-get install chromium-driver"; exit 1; }
fi

# 2. The DuckDB wheel, only when the pinned version is not already unpacked.
if [ -f "$LIB_DIR/libduckdb.so" ] && [ "$(cat "$DUCKDB_DIR/VERSION" 2>/dev/null)" = "$DUCKDB_VERSION" ]; then
    : # already installed
else
    say "fetching the duckdb $DUCKDB_VERSION wheel from PyPI"
    PYTHON="$(command -v python3 || command -v python3.11 || true)"
    [ -n "$PYTHON" ] || { say "python3 with pip is needed to fetch the DuckDB wheel"; exit 1; }
    rm -rf "$WHEEL_DIR" "$LIB_DIR"
    mkdir -p "$WHEEL_DIR" "$LIB_DIR"
    "$PYTHON" -m pip download --quiet --no-deps --only-binary=:all: \
        --python-version 3.11 --implementation cp --abi cp311 \
        --platform manylinux_2_28_x86_64 --platform manylinux_2_27_x86_64 --platform manylinux_2_17_x86_64 \
        -d "$WHEEL_DIR" "duckdb==$DUCKDB_VERSION"
    wheel="$(ls "$WHEEL_DIR"/duckdb-"$DUCKDB_VERSION"-*.whl | head -n 1)"
    "$PYTHON" - "$wheel" "$LIB_DIR" <<'PY'
import sys, zipfile, os, shutil
wheel, lib_dir = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as z:
    names = [n for n in z.namelist() if os.path.basename(n).startswith("_duckdb") and n.endswith(".so")]
    if not names:
        sys.exit("setup: the wheel holds no _duckdb extension module")
    with z.open(names[0]) as src, open(os.path.join(lib_dir, "libduckdb.so.tmp"), "wb") as dst:
        shutil.copyfileobj(src, dst)
os.chmod(os.path.join(lib_dir, "libduckdb.so.tmp"), 0o755)
os.replace(os.path.join(lib_dir, "libduckdb.so.tmp"), os.path.join(lib_dir, "libduckdb.so"))
PY
    echo "$DUCKDB_VERSION" > "$DUCKDB_DIR/VERSION"
    say "duckdb $DUCKDB_VERSION installed in $LIB_DIR"
fi

# 3. Link name for libpython next to libduckdb (the -dev package's symlink is not needed). Replaced
#    atomically (a new link renamed over the old one), and only when it points elsewhere: tests load
#    libraries from this directory while setup may run, and `ln -sfn` unlinks before it relinks.
if [ "$(readlink "$LIB_DIR/libpython3.11.so" 2>/dev/null)" != "$pylib" ]; then
    ln -sfn "$pylib" "$LIB_DIR/libpython3.11.so.tmp.$$"
    mv -Tf "$LIB_DIR/libpython3.11.so.tmp.$$" "$LIB_DIR/libpython3.11.so"
fi

# 4. Test-only: a Python venv with aiosmtpd, the real SMTP server the AgnesMail tests talk to,
#    pyarrow, Arrow's own reader that cross-checks the Arrow IPC streams we write (/api/v2/scan), and
#    argon2-cffi, the original's password hasher, which makes the migrated-account hashes the sign-in
#    tests verify. Skipped when all are already importable there, so a re-run touches no network.
TEST_VENV="$DUCKDB_DIR/test-venv"
if ! "$TEST_VENV/bin/python" -c "import aiosmtpd, pyarrow, argon2" >/dev/null 2>&1; then
    say "installing aiosmtpd, pyarrow and argon2-cffi into $TEST_VENV (test fixtures)"
    PYTHON="$(command -v python3 || command -v python3.11 || true)"
    [ -n "$PYTHON" ] || { say "python3 is needed for the test fixtures"; exit 1; }
    [ -x "$TEST_VENV/bin/python" ] || "$PYTHON" -m venv "$TEST_VENV"
    "$TEST_VENV/bin/python" -m pip install --quiet --disable-pip-version-check --only-binary=pyarrow \
        "aiosmtpd==1.4.6" "pyarrow==21.0.0" "argon2-cffi==25.1.0"
fi

# 5. Test-only: the duckdb package in the test venv, from the very wheel unpacked above (no network):
#    the custom-connector tests run the sample connector (connectors/custom/sample), a Python program
#    that writes extract.duckdb, and connectors of their own written the same way. Skipped when it is
#    importable there already.
if ! "$TEST_VENV/bin/python" -c "import duckdb" >/dev/null 2>&1; then
    say "installing the duckdb $DUCKDB_VERSION wheel into $TEST_VENV (custom-connector tests)"
    wheel="$(ls "$WHEEL_DIR"/duckdb-"$DUCKDB_VERSION"-*.whl 2>/dev/null | head -n 1 || true)"
    if [ -n "$wheel" ]; then
        "$TEST_VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-index --no-deps "$wheel"
    else
        "$TEST_VENV/bin/python" -m pip install --quiet --disable-pip-version-check --only-binary=:all: \
            "duckdb==$DUCKDB_VERSION"
    fi
fi
