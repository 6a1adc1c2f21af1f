"""The hazard log's controls are proved by tests that exist: every test the log names is collected
by pytest, and no entry is left without one."""

from __future__ import annotations

import ast
import re

from tests.support.database import ROOT

HAZARD_LOG = ROOT / "docs" / "clinical-safety" / "hazard-log.md"
ENTRY = re.compile(r"^### (HAZ-\d+): (.+)$", re.M)
TEST_LINE = re.compile(r"^- \*\*Test\*\*: (.+(?:\n  .+)*)", re.M)
NODE = re.compile(r"^`(tests/test_\w+\.py)::(test_\w+)`$")


def entries() -> dict[str, list[str]]:
    text = HAZARD_LOG.read_text()
    found: dict[str, list[str]] = {}
    starts = list(ENTRY.finditer(text))
    for n, match in enumerate(starts):
        end = starts[n + 1].start() if n + 1 < len(starts) else len(text)
        found[f"{match[1]} {match[2]}"] = [
            " ".join(test.split()) for test in TEST_LINE.findall(text[match.end() : end])
        ]
    return found


def collected(files: set[str]) -> set[str]:
    """The test node ids (without parameters) pytest would collect from these files: every
    module-level `test_` function, read from the source without importing it."""
    found = set()
    for name in files:
        path = ROOT / name
        if not path.exists():
            continue
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith(
                "test_"
            ):
                found.add(f"{name}::{node.name}")
    return found


def test_every_test_the_hazard_log_names_exists() -> None:
    log = entries()
    assert len(log) >= 13, "the hazards found this turn are all in the log"
    named: dict[str, str] = {}
    for hazard, tests in log.items():
        assert tests, f"{hazard} names no test"
        for test in tests:
            node = NODE.match(test)
            assert node, f"{hazard}: write the test as `tests/test_x.py::test_name`, not {test}"
            named[f"{node[1]}::{node[2]}"] = hazard
    exist = collected({node.split("::")[0] for node in named})
    missing = [f"{hazard}: {node}" for node, hazard in named.items() if node not in exist]
    assert missing == [], "the hazard log names tests that do not exist"


def test_a_misspelt_test_name_would_be_caught() -> None:
    exist = collected({"tests/test_bidi.py"})
    assert "tests/test_bidi.py::test_free_text_is_isolated_on_screen_and_in_the_pdf" in exist
    assert "tests/test_bidi.py::test_free_text_is_isolated_on_the_moon" not in exist


def test_every_test_the_asvs_mapping_names_exists() -> None:
    text = (ROOT / "docs" / "asvs.md").read_text()
    named = set(re.findall(r"`(tests/test_\w+\.py::test_\w+)`", text))
    assert len(named) >= 30
    exist = collected({node.split("::")[0] for node in named})
    assert sorted(named - exist) == [], "docs/asvs.md names tests that do not exist"
