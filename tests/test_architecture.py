"""The package's import rules (pyproject.toml, [tool.importlinter]) hold, and catch a wrong import.

import-linter reads the imports without running them. The second test copies the package, adds one
import that breaks a rule, and checks that the rules fail and name that import, so a rule that
silently stopped matching anything would not pass unnoticed.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.walkthrough import reference_app

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
            "patient | staff, steps, record, web, discussions BROKEN",
            "companion.patient.views -> companion.staff.accounts",
        ),
        (
            "record/summary.py",
            "from ..staff.views import bp",
            "patient | staff, steps, record, web, discussions BROKEN",
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


# Functions are kept under this many lines, so each reads in one go.
LONGEST_FUNCTION = 60
LONG_FUNCTIONS_ALLOWED: set[str] = set()


def function_lengths(source: str, module: str) -> dict[str, int]:
    """Each function's and method's length in lines, by module::qualified name."""
    lengths: dict[str, int] = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                name = f"{prefix}{child.name}"
                if not isinstance(child, ast.ClassDef):
                    lengths[f"{module}::{name}"] = (
                        (child.end_lineno or child.lineno) - child.lineno + 1
                    )
                visit(child, f"{name}.")
            else:
                visit(child, prefix)

    visit(ast.parse(source), "")
    return lengths


def test_no_function_in_the_package_is_over_60_lines() -> None:
    too_long = {}
    for path in sorted((ROOT / "companion").rglob("*.py")):
        module = path.relative_to(ROOT).as_posix()
        for name, lines in function_lengths(path.read_text(encoding="utf-8"), module).items():
            if lines > LONGEST_FUNCTION and name not in LONG_FUNCTIONS_ALLOWED:
                too_long[name] = lines
    assert too_long == {}, f"split these into named parts of {LONGEST_FUNCTION} lines or fewer"


def test_the_length_check_measures_functions_methods_and_nested_ones() -> None:
    def body(lines: int, indent: str) -> str:
        return "".join(f"{indent}x{n} = {n}\n" for n in range(lines))

    source = f"def short():\n{body(59, '    ')}\nclass Form:\n    def long(self):\n"
    source += f"{body(60, '        ')}        def inner():\n            pass\n"
    lengths = function_lengths(source, "m.py")
    assert lengths == {"m.py::short": 60, "m.py::Form.long": 63, "m.py::Form.long.inner": 2}


def test_only_settings_names_the_environment() -> None:
    """Whether this is production is asked of settings() (settings.py), never by comparing the
    environment's name, so a setting's default and its meaning stay in one place."""
    named = []
    for path in sorted((ROOT / "companion").rglob("*.py")):
        if path.name == "settings.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in ("production", "development"):
                named.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert named == []


# What the shared layout is drawn from, which knows no feature's pages (web/layout.py).
SHARED = [
    *sorted((ROOT / "companion" / "web").glob("*.py")),
    ROOT / "companion" / "i18n.py",
    ROOT / "templates" / "base.html",
    *sorted((ROOT / "templates" / "components").glob("*.html")),
    *sorted((ROOT / "templates" / "errors").glob("*.html")),
]


def feature_blueprints() -> set[str]:
    """The names of the blueprints the features register (everything outside web/)."""
    return {
        name
        for name, blueprint in reference_app().blueprints.items()
        if not blueprint.import_name.startswith("companion.web")
    }


def endpoint_names(text: str, blueprints: set[str]) -> list[str]:
    """Quoted names of a blueprint ("staff") or one of its endpoints ("walkthrough.start")."""
    names = "|".join(re.escape(name) for name in sorted(blueprints))
    return re.findall(rf"""["']((?:{names})(?:\.\w+)?)["']""", text)


def test_the_layout_and_web_name_no_feature_page() -> None:
    blueprints = feature_blueprints()
    assert {"walkthrough", "staff", "two_step", "governance"} <= blueprints
    named = {
        str(path.relative_to(ROOT)): found
        for path in SHARED
        if (found := endpoint_names(path.read_text(encoding="utf-8"), blueprints))
    }
    assert named == {}, "features give the layout their pages through web/layout.py"


def test_the_endpoint_check_finds_every_way_of_naming_one() -> None:
    features = {"walkthrough", "staff"}
    assert endpoint_names("url_for('walkthrough.start')", features) == ["walkthrough.start"]
    assert endpoint_names('request.blueprint == "staff"', features) == ["staff"]
    assert endpoint_names('url_for("staff.dashboard")', features) == ["staff.dashboard"]
    assert endpoint_names("Staff area. Patient information", features) == []
