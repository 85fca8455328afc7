#!/usr/bin/env bash
# Build the one-folder bundle of Webhook Composer with PyInstaller.
#
#   bash packaging/build.sh            uses .venv/bin/python (pyinstaller installed into it)
#   PYTHON=python3 bash packaging/build.sh
#
# Output: dist/webhook-composer/ (the executable, its _internal/ folder, and share/ with the
# .desktop entry, the AppStream metainfo and the icons laid out as under /usr/share).
# PyInstaller's work files go to build/pyinstaller/. Both folders are git-ignored.
set -euo pipefail
cd "$(dirname "$0")/.."

APP=webhook-composer
APP_ID=io.github.webhookcomposer.WebhookComposer
PYTHON="${PYTHON:-.venv/bin/python}"
DIST=dist
WORK=build/pyinstaller

if ! "$PYTHON" -c "import PyInstaller" 2>/dev/null; then
    echo "build.sh: PyInstaller is not installed for $PYTHON (pip install pyinstaller)" >&2
    exit 2
fi

"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$DIST" --workpath "$WORK" packaging/webhook-composer.spec

BUNDLE="$DIST/$APP"
if [ -d "$BUNDLE" ]; then
    # Desktop integration files, laid out as they are installed under a prefix's share/.
    SHARE="$BUNDLE/share"
    rm -rf "$SHARE"
    install -Dm644 "packaging/$APP_ID.desktop" "$SHARE/applications/$APP_ID.desktop"
    install -Dm644 "packaging/$APP_ID.metainfo.xml" "$SHARE/metainfo/$APP_ID.metainfo.xml"
    for png in packaging/icons/hicolor/*/apps/"$APP_ID".png packaging/icons/hicolor/scalable/apps/"$APP_ID".svg; do
        install -Dm644 "$png" "$SHARE/icons/${png#packaging/icons/}"
    done
fi

echo
echo "bundle: $BUNDLE"
for built in "$BUNDLE" "$DIST/Webhook Composer.app"; do
    if [ -e "$built" ]; then
        du -sh "$built" | sed 's/^/size:   /'
    fi
done
