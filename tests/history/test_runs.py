"""What applies on a day to a calendar's target (engine/history/runs.py: day_resolver)."""
from __future__ import annotations

import datetime as dt

import pytest

from engine.editions.registry import Registry
from engine.history.runs import RunError, day_resolver

D = dt.date.fromisoformat


def test_an_organisation_is_resolved_by_its_bindings(tmp_path):
    # the bundled registry pins wko-maslikhat-apparatus to wko-maslikhat@2017 from 2017-01-01
    r = day_resolver("wko-maslikhat-apparatus", Registry.default(), str(tmp_path / "h.sqlite3"))(D("2017-05-15"))
    assert r.methodology_id == "wko-maslikhat@2017" and r.how == "pinned"


def test_a_methodology_is_named_and_opens_no_history_database():
    # a database address no store accepts: opening it would fail
    resolve = day_resolver("zhanibek@2023", Registry.default(), "ftp://nowhere")
    r = resolve(D("2023-05-01"))
    assert r.methodology_id == "zhanibek@2023" and r.how == "named"


def test_neither_an_organisation_nor_a_methodology_says_both():
    with pytest.raises(RunError) as caught:
        day_resolver("nobody", Registry.default())
    message = str(caught.value)
    assert "no methodology family 'nobody'" in message and "and no organisation 'nobody'" in message
