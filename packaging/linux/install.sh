#!/bin/sh
# Installs the unpacked bundle for the current user (or system-wide when run as root) and adds the
# application to the desktop menu, then runs its self-test.
# usage (from the unpacked tarball): ./install.sh [--user] [--uninstall]
#   as root: /opt/teleradiologie and the system menu; --user (or not root): ~/.local/share
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
USER_INSTALL=0; UNINSTALL=0
for arg in "$@"; do
    case "$arg" in
    --user) USER_INSTALL=1 ;;
    --uninstall) UNINSTALL=1 ;;
    *) echo "usage: $0 [--user] [--uninstall]" >&2; exit 2 ;;
    esac
done
if [ "$(id -u)" = 0 ] && [ "$USER_INSTALL" = 0 ]; then
    PREFIX=/opt/teleradiologie; APPS=/usr/share/applications; ICONS=/usr/share/icons/hicolor/scalable/apps
else
    PREFIX="${XDG_DATA_HOME:-$HOME/.local/share}/teleradiologie"
    APPS="${XDG_DATA_HOME:-$HOME/.local/share}/applications"
    ICONS="${XDG_DATA_HOME:-$HOME/.local/share}/icons/hicolor/scalable/apps"
fi
if [ "$UNINSTALL" = 1 ]; then
    rm -rf "$PREFIX" "$APPS/teleradiologie.desktop" "$ICONS/teleradiologie.svg"
    echo "Téléradiologie désinstallé ($PREFIX)."
    exit 0
fi
VERSION=$(cat "$HERE/VERSION")
mkdir -p "$PREFIX" "$APPS" "$ICONS"
rm -rf "$PREFIX/$VERSION.new"
cp -a "$HERE/teleradiologie" "$PREFIX/$VERSION.new"
rm -rf "$PREFIX/$VERSION" && mv "$PREFIX/$VERSION.new" "$PREFIX/$VERSION"
ln -sfn "$VERSION" "$PREFIX/current"
EXEC="$PREFIX/current/teleradiologie"
sed -e "s|@EXEC@|$EXEC|g" -e "s|@VERSION@|$VERSION|g" "$HERE/teleradiologie.desktop" > "$APPS/teleradiologie.desktop"
cp "$HERE/teleradiologie.svg" "$ICONS/teleradiologie.svg"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$APPS" || true
echo "Téléradiologie $VERSION installé dans $PREFIX (menu : Graphisme / Science)."
echo "Vérification de l'installation :"
"$EXEC" --self-test --no-display || echo "(voir les lignes [ÉCHEC] ci-dessus)"
