"""The package's import rules (pyproject.toml, [tool.importlinter]) hold, and catch a wrong import.

import-linter reads the imports without running them. The second test copies the package, adds one
import that breaks a rule, and checks that the rules fail and name that import, so a rule that
silently stopped matching anything would not pass unnoticed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(folder: Path) -> subprocess.CompletedProcess[str]:
    """Check the package in folder against the contracts in folder/pyproject.toml."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", "pyproject.toml"],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_package_keeps_its_import_rules() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "wrong_import", "broken", "named"),
    [
        (
            "i18n.py",
            "from .staff import views",
            "Foundations import no feature BROKEN",
            "companion.i18n -> companion.staff.views",
        ),
        (
            "patient/views.py",
            "from ..staff import accounts",
            "patient | staff, record, web, discussions BROKEN",
            "companion.patient.views -> companion.staff.accounts",
        ),
        (
            "record/summary.py",
            "from ..staff.views import bp",
            "patient | staff, record, web, discussions BROKEN",
            "companion.record.summary -> companion.staff.views",
        ),
    ],
)
def test_a_wrong_import_breaks_the_rules_and_is_named(
    tmp_path: Path, module: str, wrong_import: str, broken: str, named: str
) -> None:
    shutil.copytree(
        ROOT / "companion", tmp_path / "companion", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    target = tmp_path / "companion" / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{wrong_import}\n", "utf-8")

    result = lint_imports(tmp_path)

    assert result.returncode != 0
    assert broken in result.stdout, result.stdout
    assert named in result.stdout, result.stdout
