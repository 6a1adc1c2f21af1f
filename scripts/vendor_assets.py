"""Copy the NHS.UK frontend and axe-core files the app serves from node_modules into static/vendor.

The NHS.UK stylesheet loads the Frutiger web font from the NHS's own font host. No page may load
anything from another host, so those @font-face rules are removed: text falls back to the
tablet's own fonts (Arial or its metric twin). Any other remote url() stops the copy.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NHSUK = ROOT / "node_modules" / "nhsuk-frontend" / "dist" / "nhsuk"
VENDOR = ROOT / "static" / "vendor"
REMOTE_FONT_FACE = re.compile(r"@font-face\s*\{[^}]*url\((['\"]?)(https?:)?//[^}]*\}")
REMOTE_URL = re.compile(r"url\((['\"]?)(https?:)?//")


def main() -> int:
    if VENDOR.exists():
        shutil.rmtree(VENDOR)
    (VENDOR / "nhsuk" / "assets").mkdir(parents=True)
    (VENDOR / "axe").mkdir(parents=True)
    css = (NHSUK / "nhsuk-frontend-dynamic-type.min.css").read_text(encoding="utf-8")
    css, removed = REMOTE_FONT_FACE.subn("", css)
    css = re.sub(r"/\*# sourceMappingURL=[^*]*\*/", "", css)
    if REMOTE_URL.search(css):
        print("vendor_assets: the NHS.UK stylesheet still loads from another host", file=sys.stderr)
        return 1
    (VENDOR / "nhsuk" / "nhsuk-frontend-dynamic-type.min.css").write_text(css, encoding="utf-8")
    shutil.copytree(NHSUK / "assets" / "images", VENDOR / "nhsuk" / "assets" / "images")
    shutil.copy(ROOT / "node_modules" / "axe-core" / "axe.min.js", VENDOR / "axe" / "axe.min.js")
    print(
        f"vendor_assets: copied NHS.UK frontend and axe-core; removed {removed} remote font rules"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
