"""Every test runs away from the user's own methodologies, organisations and history database."""
import pytest

from engine.history.organisations import ORG_ENV_VAR
from engine.editions.registry import ENV_VAR
from engine.history.storage import DB_ENV_VAR


@pytest.fixture(autouse=True)
def isolated(monkeypatch, tmp_path):
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.delenv(ORG_ENV_VAR, raising=False)
    monkeypatch.setenv(DB_ENV_VAR, str(tmp_path / "history.sqlite3"))
