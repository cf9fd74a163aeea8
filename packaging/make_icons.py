"""Renders the SVG app icon into the PNG, .ico and .icns files the installers and app bundles need."""

from __future__ import annotations

import argparse
import io
import os
import sys
from pathlib import Path

# The renderer needs no display; the offscreen platform is enough to paint into an image.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_SIZES = (16, 32, 64, 128, 256, 512, 1024)


def render_png(svg: Path, size: int) -> bytes:
    """One square PNG of the SVG, drawn by Qt's SVG renderer with antialiasing."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"The icon {svg} is not a valid SVG file.")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stubs say bytes; the binding wants str
    buffer.close()
    return bytes(data.data())


def make_icons(svg: Path, out_dir: Path) -> dict[str, Path]:
    """Writes app.png (256 px), app.ico (16-256 px) and app.icns (16-1024 px) into ``out_dir``."""
    from PIL import Image

    out_dir.mkdir(parents=True, exist_ok=True)
    # Every size is rendered from the SVG rather than scaled from a large image, so small icons stay crisp.
    sizes = sorted(set(ICO_SIZES) | set(ICNS_SIZES))
    images = {size: Image.open(io.BytesIO(render_png(svg, size))).convert("RGBA") for size in sizes}
    made = {"png": out_dir / "app.png", "ico": out_dir / "app.ico", "icns": out_dir / "app.icns"}
    images[256].save(made["png"], format="PNG")
    images[256].save(
        made["ico"],
        format="ICO",
        sizes=[(size, size) for size in ICO_SIZES],
        append_images=[images[size] for size in ICO_SIZES if size != 256],
    )
    images[1024].save(made["icns"], format="ICNS", append_images=[images[size] for size in ICNS_SIZES[:-1]])
    return made


def main() -> int:
    parser = argparse.ArgumentParser(description="Render the app icon into PNG, ICO and ICNS files.")
    parser.add_argument("svg", type=Path)
    parser.add_argument("out_dir", type=Path)
    args = parser.parse_args()
    if not args.svg.is_file():
        print(f"The icon {args.svg} does not exist.", file=sys.stderr)
        return 2
    for kind, path in make_icons(args.svg, args.out_dir).items():
        print(f"Made the {kind} icon: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
