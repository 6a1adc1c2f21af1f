"""No assert that cannot fail: a test that passes whatever the app does proves nothing.

Ruff refuses an assert on a string literal (PLW0129), on a tuple (F631) and `x or True`
(SIM222). What it lets through is a literal beside `and`, as in the dashboard test that once
read `assert ".app-dashboard" and "No discussion matches" in ...`: the literal checks nothing.
This walks every assert in the app and the tests for those.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.support.database import ROOT


def is_literal(node: ast.expr) -> bool:
    """An expression whose truth is fixed when it is written."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.JoinedStr):
        return all(isinstance(part, ast.Constant) for part in node.values)
    return isinstance(node, ast.Tuple | ast.List | ast.Set | ast.Dict)


def checks_nothing(test: ast.expr) -> bool:
    """An assert's test that a literal makes always true, or (beside `and`) partly idle."""
    if is_literal(test):
        return True
    if isinstance(test, ast.BoolOp):
        if isinstance(test.op, ast.And):
            return any(is_literal(v) or checks_nothing(v) for v in test.values)
        return any(is_literal(v) and bool(ast.literal_eval(v)) for v in test.values)
    return False


def idle_asserts(source: str, name: str) -> list[str]:
    return [
        f"{name}:{node.lineno}"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Assert) and checks_nothing(node.test)
    ]


def test_no_assert_in_the_app_or_the_tests_checks_a_literal() -> None:
    files = [ROOT / "app.py", *(ROOT / "companion").rglob("*.py"), *(ROOT / "tests").rglob("*.py")]
    found = [
        line
        for path in files
        for line in idle_asserts(path.read_text(), str(Path(path).relative_to(ROOT)))
    ]
    assert found == [], "these asserts pass whatever the app does"


def test_the_idle_asserts_are_recognised_and_real_ones_are_not() -> None:
    idle = [
        'assert ".app-dashboard" and "No discussion matches" in page',
        "assert page and 'x'",
        "assert 1",
        "assert ok or 'always'",
        "assert (ok, 'message')",
    ]
    for source in idle:
        assert idle_asserts(source, "t") == ["t:1"], source
    real = [
        'assert "No discussion matches" in page',
        "assert page.select_one('.app-dashboard') is None",
        "assert ok, 'a message'",
        "assert ok or other",
        "assert not ok",
    ]
    for source in real:
        assert idle_asserts(source, "t") == [], source
