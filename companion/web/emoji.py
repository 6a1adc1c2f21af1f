"""Emoji a patient types, in the PDFs: drawn by Noto Color Emoji (fonts-noto-color-emoji, last in
every font stack of static/css/record.css), or, for one the installed font has no picture of
(an emoji newer than the font, or no emoji font at all), its name in brackets: never an empty box.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path

EMOJI_FONT = Path("/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf")
# The emoji blocks from Mahjong tiles to Symbols and Pictographs Extended-A, with the places
# Unicode fills in later versions. (Older symbols, U+2600-27BF, are drawn by DejaVu Sans where the
# emoji face has no picture of them.)
EMOJI_RANGES = ((0x1F000, 0x1FAFF),)


@cache
def drawn() -> frozenset[int]:
    """The code points the emoji font has a picture of; none when it is not installed."""
    try:
        from fontTools.ttLib import TTFont

        return frozenset(TTFont(EMOJI_FONT, lazy=True).getBestCmap())
    except (OSError, ImportError):
        return frozenset()


def is_emoji(ch: str) -> bool:
    point = ord(ch)
    if not any(low <= point <= high for low, high in EMOJI_RANGES):
        return False
    return unicodedata.category(ch) in ("So", "Cn")  # Cn: newer than this Python's Unicode


def placeholder(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return f"[{name.lower()}]" if name else f"[emoji U+{ord(ch):04X}]"


def printable(text: str) -> str:
    """The text with every emoji the font cannot draw written as its name."""
    if not any(is_emoji(ch) for ch in text):
        return text
    return "".join(
        placeholder(ch) if is_emoji(ch) and ord(ch) not in drawn() else ch for ch in text
    )
