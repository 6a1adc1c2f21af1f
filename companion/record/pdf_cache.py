"""Rendered PDFs kept on disk, one file per state of a record, shared by every worker.

A file is named by its discussion and a digest of everything the PDF shows (record version,
copy, language, content version and the record's HTML, which holds a patient's later answers,
a sign-off and amendments, none of which changes the record version): a changed record never
meets an old PDF. The folder (instance/pdf-cache/ unless PDF_CACHE_DIR says otherwise) is kept
under PDF_CACHE_MAX_BYTES by dropping the least recently used files, and purging a discussion
removes its files with it. No WeasyPrint here: the purge must not import it.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from flask import current_app

from ..settings import settings


def folder() -> Path:
    return settings().pdf_cache_path(current_app.instance_path)


def key_file(discussion_id: int, *parts: object) -> Path:
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()
    return folder() / f"{discussion_id}-{digest}.pdf"


def get(file: Path) -> bytes | None:
    try:
        pdf = file.read_bytes()
        os.utime(file)  # recently used: the last to go
    except OSError:
        return None
    return pdf if pdf.startswith(b"%PDF") else None


def put(file: Path, pdf: bytes) -> None:
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        # Written whole, then renamed into place: another worker never reads half a file.
        with tempfile.NamedTemporaryFile(dir=file.parent, suffix=".tmp", delete=False) as out:
            out.write(pdf)
        os.replace(out.name, file)
        trim(file.parent, settings().pdf_cache_max_bytes)
    except OSError:
        pass  # a full or read-only disk only means rendering again next time


def trim(where: Path, max_bytes: int) -> None:
    files = []
    for file in where.glob("*.pdf"):
        try:
            stat = file.stat()
        except OSError:
            continue
        files.append((stat.st_mtime, stat.st_size, file))
    total = sum(size for _, size, _ in files)
    for _, size, file in sorted(files, key=lambda f: f[0]):
        if total <= max_bytes:
            break
        file.unlink(missing_ok=True)
        total -= size


def forget(discussion_id: int) -> None:
    """Remove every PDF kept for a discussion (when it is purged)."""
    for file in folder().glob(f"{discussion_id}-*.pdf"):
        file.unlink(missing_ok=True)


def clear() -> None:
    for file in folder().glob("*.pdf"):
        file.unlink(missing_ok=True)
