"""QR codes of the links people open (join, pair a screen), as SVG."""

from __future__ import annotations

import io

import segno


def qr_svg(url: str, title: str = "Join link") -> bytes:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=8, border=2, dark="#1f2430",
                                    xmldecl=False, svgns=True, title=title)
    return buffer.getvalue()
