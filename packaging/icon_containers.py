"""Pack the rendered PNGs into the Windows ``.ico`` and the macOS ``.icns`` icon files.

Both formats accept PNG images as their entries, so no image library is needed: this
reads the PNGs that ``render_icons.sh`` made and writes the two containers byte by byte.
Usage: ``python packaging/icon_containers.py`` from the repository root.
"""

from __future__ import annotations

import struct
from pathlib import Path

ICONS = Path(__file__).resolve().parent / "icons"
APP_ID = "io.github.webhookcomposer.WebhookComposer"
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# icns entry types that hold a PNG of the given pixel size.
ICNS_TYPES = (
    (b"icp4", 16),
    (b"icp5", 32),
    (b"icp6", 64),
    (b"ic07", 128),
    (b"ic08", 256),
    (b"ic09", 512),
    (b"ic11", 32),  # 16 pt @2x
    (b"ic12", 64),  # 32 pt @2x
    (b"ic13", 256),  # 128 pt @2x
    (b"ic14", 512),  # 256 pt @2x
)


def png(size: int) -> bytes:
    return (ICONS / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png").read_bytes()


def write_ico(path: Path) -> None:
    images = [png(size) for size in ICO_SIZES]
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    directory = b""
    for size, data in zip(ICO_SIZES, images, strict=True):
        side = 0 if size >= 256 else size  # 0 means 256 in an ICONDIRENTRY
        directory += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
    path.write_bytes(header + directory + b"".join(images))


def write_icns(path: Path) -> None:
    body = b""
    for kind, size in ICNS_TYPES:
        data = png(size)
        body += kind + struct.pack(">I", len(data) + 8) + data
    path.write_bytes(b"icns" + struct.pack(">I", len(body) + 8) + body)


if __name__ == "__main__":
    write_ico(ICONS / "webhook-composer.ico")
    write_icns(ICONS / "webhook-composer.icns")
