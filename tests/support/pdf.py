"""Reading a rendered PDF back with poppler's tools, as a person reading it would."""

from __future__ import annotations

import subprocess

# pdftotext wraps right-to-left runs in bidi control characters.
BIDI_CONTROLS = dict.fromkeys(range(0x202A, 0x202F))


def poppler(tool: str, data: bytes, *args: str) -> str:
    result = subprocess.run(
        [tool, *args, "-", "-"] if tool == "pdftotext" else [tool, "-"],
        input=data,
        capture_output=True,
        check=True,
    )
    return result.stdout.decode("utf-8")


def pdf_text(data: bytes) -> str:
    # pdftotext wraps right-to-left runs in bidi control characters; the words are what matter.
    return " ".join(poppler("pdftotext", data).translate(BIDI_CONTROLS).split())
