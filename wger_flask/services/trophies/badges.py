"""The trophies' badges as PNG files at upstream's paths.

Upstream serves a trophy's image at ``static/trophies/<trophy_type>/<uuid>.png`` and clients
show whatever is there. Upstream's pictures are not shipped here: each trophy gets this
project's own badge of its type (the cup of ``static/trophies/<type>.svg``, drawn again with
Pillow), written once by ``write_badges`` and committed under ``wger_flask/static``.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

COLOURS = {
    "count": "#10b981",
    "date": "#8b5cf6",
    "other": "#6b7280",
    "pr": "#ec4899",
    "sequence": "#ef4444",
    "time": "#3b82f6",
    "volume": "#f59e0b",
}
SIZE = 128


def image_path(trophy_type: str, uuid: Any) -> str:
    """Upstream's path of a trophy's image, relative to the static folder."""
    return f"trophies/{trophy_type}/{uuid}.png"


def render_badge(trophy_type: str) -> bytes:
    """The badge of a trophy type as PNG bytes (128 × 128, transparent background)."""
    from PIL import Image, ImageDraw

    colour = COLOURS.get(trophy_type, COLOURS["other"])
    image = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.chord((40, -8, 88, 68), 0, 180, fill=colour)  # the cup
    draw.rectangle((40, 16, 88, 30), fill=colour)
    draw.arc((24, 16, 56, 48), 90, 270, fill=colour, width=6)  # the handles
    draw.arc((72, 16, 104, 48), 270, 90, fill=colour, width=6)
    draw.rectangle((58, 66, 70, 88), fill=colour)  # the stem
    draw.rounded_rectangle((38, 88, 90, 102), radius=3, fill=colour)  # the base
    label = "PR" if trophy_type == "pr" else trophy_type[:1].upper()
    draw.text((64, 38), label, fill="#ffffff", anchor="mm", font_size=20)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def write_badges(static_folder: Path, trophies: Iterable[tuple[str, Any]]) -> list[Path]:
    """Write the badge of every ``(trophy_type, uuid)`` at its upstream path."""
    rendered: dict[str, bytes] = {}
    written = []
    for trophy_type, uuid in trophies:
        path = static_folder / image_path(trophy_type, uuid)
        path.parent.mkdir(parents=True, exist_ok=True)
        if trophy_type not in rendered:
            rendered[trophy_type] = render_badge(trophy_type)
        path.write_bytes(rendered[trophy_type])
        written.append(path)
    return written
