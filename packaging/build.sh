#!/usr/bin/env bash
# `make package`: the PyInstaller one-folder bundle and, on Linux, its tarball.
# usage: packaging/build.sh            (from anywhere; uses the project's .venv)
# Output: dist/teleradiologie/ (the bundle) and dist/teleradiologie-<version>-linux-<arch>.tar.gz
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

# PyInstaller is a build tool, not a runtime dependency: the `package` extra of pyproject.toml. Only
# the extra's requirements are installed (not the project again: a test session may be running from
# this venv while it builds).
if ! "$PY" -c "import PyInstaller" 2>/dev/null; then
    echo "[package] installing PyInstaller (extra « package ») into .venv"
    mapfile -t requirements < <("$PY" -c 'import tomllib; [print(r) for r in tomllib.load(open("pyproject.toml", "rb"))["project"]["optional-dependencies"]["package"]]')
    log=$(mktemp)
    if ! "$PY" -m pip install -q "${requirements[@]}" >"$log" 2>&1; then
        grep -vE "is ignored: it is neither" "$log"; rm -f "$log"; exit 1
    fi
    rm -f "$log"
fi

VERSION=$("$PY" -c "from importlib.metadata import version; print(version('teleradiologie-workstation'))")
echo "[package] building teleradiologie $VERSION (PyInstaller one-folder, a few minutes)"
start=$(date +%s)
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath dist --workpath build/pyinstaller packaging/teleradiologie.spec
# VTK and Qt ship unstripped libraries: their symbol tables are a fifth of the bundle (libvtkCommonCore
# alone 98 -> 62 MB) and nothing the dynamic linker needs. Only those: PyInstaller's strip=True also
# strips numpy's OpenBLAS, which then no longer loads ("ELF load command address/offset not page-aligned").
if [ "$(uname -s)" = Linux ] && command -v strip >/dev/null; then
    find dist/teleradiologie/_internal/vtkmodules dist/teleradiologie/_internal/PySide6 \
        -type f \( -name "*.so" -o -name "*.so.*" \) -exec strip --strip-unneeded {} +
fi
echo "[package] bundle built in $(( $(date +%s) - start )) s: dist/teleradiologie ($(du -sh dist/teleradiologie | cut -f1))"

case "$(uname -s)" in
Linux)
    name="teleradiologie-$VERSION-linux-$(uname -m)"
    stage=build/tarball/$name
    rm -rf build/tarball && mkdir -p "$stage"
    cp -a dist/teleradiologie "$stage/teleradiologie"
    cp packaging/linux/teleradiologie.desktop packaging/linux/teleradiologie.svg packaging/linux/install.sh "$stage/"
    echo "$VERSION" > "$stage/VERSION"
    cp packaging/README.md "$stage/LISEZMOI-packaging.md"
    # reproducible order and owners; gzip -n: no time stamp in the header
    tar --sort=name --owner=0 --group=0 --numeric-owner -C build/tarball -cf - "$name" | gzip -n -6 > "dist/$name.tar.gz"
    (cd dist && sha256sum "$name.tar.gz" > "$name.tar.gz.sha256")
    echo "[package] dist/$name.tar.gz ($(du -h "dist/$name.tar.gz" | cut -f1))"
    ;;
*)
    echo "[package] $(uname -s): bundle only; see packaging/README.md for the installer of this system"
    ;;
esac
echo "[package] check it: dist/teleradiologie/teleradiologie --self-test"
