"""Start-up does its slow parts once or never, and still refuses what it must refuse."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import babel
import pytest

from app import create_app
from companion.config import ConfigError
from companion.content import ContentPackError
from companion.i18n import LanguageListError, load_languages

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ROOT / "translations" / "languages.yaml"


def test_a_wrong_direction_is_refused_with_babels_answers_kept_or_not(tmp_path: Path) -> None:
    cache = tmp_path / "instance"
    cache.mkdir()
    assert load_languages(LANGUAGES, cache)["ur"].dir == "rtl"
    kept = json.loads((cache / "babel-directions.json").read_text())
    assert kept == {"babel": babel.__version__, "directions": kept["directions"]}
    assert kept["directions"]["ur"] == "rtl"
    broken = tmp_path / "languages.yaml"
    broken.write_text(LANGUAGES.read_text().replace("name: اردو, dir: rtl", "name: اردو, dir: ltr"))
    for cache_dir in (cache, None):  # with Babel's answers kept from the last start, and without
        with pytest.raises(LanguageListError, match=r"\.dir: is 'ltr' but Babel says 'rtl'"):
            load_languages(broken, cache_dir)


def test_answers_kept_for_another_babel_version_are_not_believed(tmp_path: Path) -> None:
    (tmp_path / "babel-directions.json").write_text(
        json.dumps({"babel": "0.0.1", "directions": {"ur": "ltr", "ar": "ltr"}})
    )
    assert load_languages(LANGUAGES, tmp_path)["ur"].dir == "rtl"
    kept = json.loads((tmp_path / "babel-directions.json").read_text())
    assert kept["babel"] == babel.__version__ and kept["directions"]["ur"] == "rtl"


def test_the_app_will_not_start_on_a_broken_configuration_or_pack(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COMPANION_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY must be set"):
        create_app()
    monkeypatch.setenv("COMPANION_ENV", "development")
    (tmp_path / "htg492").mkdir()
    (tmp_path / "htg492" / "pack.yaml").write_text("id: [unclosed\n")
    with pytest.raises(ContentPackError, match="not valid YAML"):
        create_app({"TESTING": True, "CONTENT_DIR": str(tmp_path)})


def test_start_up_leaves_weasyprint_and_alembic_for_when_they_are_used() -> None:
    # GOV.UK Notify's client (and requests under it) too: only a send of a patient's link needs it.
    later = ("weasyprint", "alembic", "flask_migrate", "notifications_python_client", "requests")
    code = (
        "import sys; from app import create_app; create_app(); "
        f"print(sorted(m for m in {later!r} if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
