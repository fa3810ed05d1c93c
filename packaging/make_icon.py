"""Draw the application icon (a house with a speech bubble) and write it in the formats the installers need.

Run once when the design changes: `uv run python packaging/make_icon.py`. The files are committed
(resources/icons/), so building a bundle needs no drawing step.
"""
from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

ICONS_DIR = Path(__file__).resolve().parents[1] / "resources" / "icons"
BLUE = (0, 84, 147, 255)     # a deep blue that stays readable on light and dark task bars
WHITE = (255, 255, 255, 255)
ORANGE = (232, 119, 34, 255)
ICO_SIZES = [(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)]


def draw(size: int = 1024) -> Image.Image:
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    unit = size / 16
    pen.rounded_rectangle([0, 0, size - 1, size - 1], radius=3 * unit, fill=BLUE)
    # The house: roof, walls and a door.
    pen.polygon([(2.5 * unit, 8 * unit), (8 * unit, 2.8 * unit), (13.5 * unit, 8 * unit)], fill=WHITE)
    pen.rectangle([4 * unit, 7.6 * unit, 12 * unit, 13.5 * unit], fill=WHITE)
    pen.rectangle([7 * unit, 10 * unit, 9 * unit, 13.5 * unit], fill=BLUE)
    # The mediation: a speech bubble at the upper right.
    pen.ellipse([10.2 * unit, 1.4 * unit, 15 * unit, 5.4 * unit], fill=ORANGE)
    pen.polygon([(11 * unit, 4.6 * unit), (10.4 * unit, 6.4 * unit), (12.4 * unit, 5.2 * unit)], fill=ORANGE)
    return image


def main() -> None:
    ICONS_DIR.mkdir(parents=True, exist_ok=True)
    image = draw()
    image.resize((256, 256), Image.LANCZOS).save(ICONS_DIR / "mediation-habitat.png")
    image.save(ICONS_DIR / "mediation-habitat.ico", sizes=ICO_SIZES)
    image.resize((512, 512), Image.LANCZOS).save(ICONS_DIR / "mediation-habitat.icns")
    for path in sorted(ICONS_DIR.iterdir()):
        print(f"{path.name}: {path.stat().st_size} octets")


if __name__ == "__main__":
    main()
