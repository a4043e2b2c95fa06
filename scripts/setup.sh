#!/usr/bin/env bash
# Prepares a fresh Debian 12 machine: system packages (when root), the .venv and the project.
# usage: scripts/setup.sh [--test]
#   --test  also the packages the test suite needs (Xvfb, Orthanc) and the test extras.
set -euo pipefail
cd "$(dirname "$0")/.."

WITH_TEST=0
[ "${1:-}" = "--test" ] && WITH_TEST=1

# Qt (offscreen and xcb) and VTK (EGL/OSMesa) run-time libraries, per ../shared/STACK-NOTES.md.
APT_RUN="python3 python3-venv libgl1 libegl1 libfontconfig1 libglib2.0-0 libdbus-1-3 libxkbcommon0 libosmesa6 \
xauth libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0 libxcb-shape0 \
libxkbcommon-x11-0 libxcursor1 libxcb-xinerama0 libxcb-randr0 \
libenchant-2-2 hunspell-fr"  # the report's French spell check (pyenchant needs the C library and a dictionary)
APT_TEST="xvfb orthanc orthanc-dicomweb gnome-keyring dbus dicom3tools dcm2niix dcmtk"  # Secret Service for the keyring tests; dciodvfy checks the demo DICOM; dcm2niix is the reference of the tilt correction; dcmtk's dcmqrscp is a PACS for the DIMSE tests
PKGS="$APT_RUN"
[ "$WITH_TEST" = 1 ] && PKGS="$PKGS $APT_TEST"

missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    if [ "$(id -u)" = 0 ]; then
        echo "[setup] apt-get install$missing"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        # Orthanc's package tries to start a service; there is none to start in a container.
        apt-get install -y -qq --no-install-recommends $missing >/dev/null
    else
        echo "[setup] missing system packages. Run as root:"
        echo "    sudo apt-get install -y$missing"
        exit 1
    fi
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    echo "[setup] creating .venv"
    "$PY" -m venv .venv
fi
extras=""
[ "$WITH_TEST" = 1 ] && extras="[test]"
stamp=".venv/.stamp-install"
[ "$WITH_TEST" = 1 ] && stamp=".venv/.stamp-install-test"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    echo "[setup] installing the project$extras into .venv"
    # Some machines list extra local indexes that do not exist: their warnings are noise, so pip's
    # output is kept in a log and shown only when pip fails.
    log=$(mktemp)
    if ! { .venv/bin/python -m pip install -q --upgrade pip && .venv/bin/python -m pip install -q -e ".$extras"; } >"$log" 2>&1; then
        grep -vE "is ignored: it is neither" "$log"; rm -f "$log"
        echo "[setup] pip install failed"; exit 1
    fi
    rm -f "$log"
    touch "$stamp"
fi
