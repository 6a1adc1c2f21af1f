"""The hazard log's controls are proved by tests that exist: every test the log names is collected
by pytest, and no entry is left without a test or, where its control lies outside the app, an
owner named in the log and in the safety case."""

from __future__ import annotations

import ast
import re

from tests.support.database import ROOT

HAZARD_LOG = ROOT / "docs" / "clinical-safety" / "hazard-log.md"
ENTRY = re.compile(r"^### (HAZ-\d+): (.+)$", re.M)
SAFETY_CASE = ROOT / "docs" / "clinical-safety" / "safety-case.md"
TEST_LINE = re.compile(r"^- \*\*Test\*\*: (.+(?:\n  .+)*)", re.M)
OWNER_LINE = re.compile(r"^- \*\*Owner\*\*: (.+(?:\n  .+)*)", re.M)
NODE = re.compile(r"^`(tests/test_\w+\.py)::(test_\w+)`$")


def lines_of(pattern: re.Pattern[str], text: str) -> list[str]:
    return [" ".join(line.split()) for line in pattern.findall(text)]


def entries(text: str | None = None, pattern: re.Pattern[str] = TEST_LINE) -> dict[str, list[str]]:
    """Each hazard ("HAZ-nn: title") with its Test lines, or with the lines of another kind."""
    text = HAZARD_LOG.read_text() if text is None else text
    found: dict[str, list[str]] = {}
    starts = list(ENTRY.finditer(text))
    for n, match in enumerate(starts):
        end = starts[n + 1].start() if n + 1 < len(starts) else len(text)
        found[f"{match[1]} {match[2]}"] = lines_of(pattern, text[match.end() : end])
    return found


def unproved(log: str, safety_case: str) -> list[str]:
    """Entries with neither a test nor an owner outside the app, and owned entries the safety
    case does not name with their owner."""
    tests, owners = entries(log), entries(log, OWNER_LINE)
    problems = []
    for hazard in tests:
        number = hazard.split()[0]
        if not tests[hazard] and not owners[hazard]:
            problems.append(f"{hazard}: names no test and no owner outside the app")
        if owners[hazard] and not re.search(rf"^- \*\*{number}\*\*: \S", safety_case, re.M):
            problems.append(f"{hazard}: has an owner the safety case does not name")
    return problems


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
    assert unproved(HAZARD_LOG.read_text(), SAFETY_CASE.read_text()) == []
    named: dict[str, str] = {}
    for hazard, tests in log.items():
        for test in tests:
            node = NODE.match(test)
            assert node, f"{hazard}: write the test as `tests/test_x.py::test_name`, not {test}"
            named[f"{node[1]}::{node[2]}"] = hazard
    exist = collected({node.split("::")[0] for node in named})
    missing = [f"{hazard}: {node}" for node, hazard in named.items() if node not in exist]
    assert missing == [], "the hazard log names tests that do not exist"


SAMPLE_LOG = """
### HAZ-90: Tested
- **Test**: `tests/test_bidi.py::test_free_text_is_isolated_on_screen_and_in_the_pdf`

### HAZ-91: Owned outside the app
- **Owner**: the ward manager (identity checks)

### HAZ-92: Neither
- **Control**: hoped for.
"""


def test_an_entry_needs_a_test_or_an_owner_the_safety_case_names() -> None:
    owned = "- **HAZ-91**: the ward manager, who checks identity at hand-over.\n"
    assert unproved(SAMPLE_LOG, owned) == [
        "HAZ-92 Neither: names no test and no owner outside the app"
    ]
    assert unproved(SAMPLE_LOG, "") == [
        "HAZ-91 Owned outside the app: has an owner the safety case does not name",
        "HAZ-92 Neither: names no test and no owner outside the app",
    ]
    assert entries(SAMPLE_LOG, OWNER_LINE)["HAZ-91 Owned outside the app"] == [
        "the ward manager (identity checks)"
    ]


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
