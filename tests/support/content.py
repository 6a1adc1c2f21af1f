"""Content folders for tests: the heart pump guide, and a second guide beside it."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.support.database import ROOT

SECOND_GUIDE = "aaa-other"
SECOND_TITLE = "Another procedure altogether"


def with_a_second_guide(folder: Path) -> Path:
    """A content folder under folder holding the heart pump guide and a second guide whose
    folder sorts before it (so nothing may take the first folder for the only guide)."""
    content = folder / "content"
    shutil.copytree(ROOT / "content" / "htg492", content / "htg492")
    other = content / SECOND_GUIDE
    shutil.copytree(ROOT / "content" / "htg492", other)
    for pack in other.glob("*/pack.yaml"):
        text = pack.read_text(encoding="utf-8")
        text = text.replace("id: htg492", f"id: {SECOND_GUIDE}", 1)
        text = text.replace(
            "title: A heart pump during a high-risk heart procedure", f"title: {SECOND_TITLE}", 1
        )
        pack.write_text(text, encoding="utf-8")
    return content
