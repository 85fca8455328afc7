#!/usr/bin/env bash
# Render the application icon's PNGs from its SVG source, pack the Windows .ico and the
# macOS .icns, and copy the icon the UI loads at run time into resources/icons/.
# Needs rsvg-convert (Debian: librsvg2-bin) or ImageMagick. The outputs are committed;
# run this again only after editing the SVG.
set -euo pipefail
cd "$(dirname "$0")/.."

APP_ID=io.github.webhookcomposer.WebhookComposer
HICOLOR=packaging/icons/hicolor
SVG="$HICOLOR/scalable/apps/$APP_ID.svg"

render() {  # render SIZE OUT
    if command -v rsvg-convert >/dev/null; then
        rsvg-convert --width "$1" --height "$1" "$SVG" --output "$2"
    elif command -v magick >/dev/null; then
        magick -background none -density 384 "$SVG" -resize "$1x$1" "$2"
    else
        convert -background none -density 384 "$SVG" -resize "$1x$1" "$2"
    fi
}

for size in 16 24 32 48 64 128 256 512; do
    mkdir -p "$HICOLOR/${size}x${size}/apps"
    render "$size" "$HICOLOR/${size}x${size}/apps/$APP_ID.png"
done

"${PYTHON:-python3}" packaging/icon_containers.py

mkdir -p resources/icons
cp "$SVG" resources/icons/webhook-composer.svg
cp "$HICOLOR/256x256/apps/$APP_ID.png" resources/icons/webhook-composer.png
