"""Values as text (engine/language/values.py): the one `text`, its variants, and `quoted`."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from engine.language.values import number, quoted, text


def test_plain_text_of_a_result_value():
    assert text(None) == "—" and text(True) == "true" and text(D("3.150")) == "3.15" and text(D("1E+2")) == "100"
    assert text(dt.date(2024, 1, 31)) == "2024-01-31"
    assert text([D(3), D("4.50")]) == "3; 4.5"
    assert text([{"id": "bonus", "amount": D(1)}, "x"]) == "bonus; x"  # an applied consequence by its id
    assert text({"message": "tie between a and b", "ids": ["a", "b"]}) == "tie between a and b"
    assert text({"management": [True, False], "cooperation": D("0.5")}) == "management: true; false | cooperation: 0.5"


def test_brackets_put_a_list_in_brackets_and_its_items_plainly():
    assert text(["a", "b"], brackets=True) == "[a, b]"
    assert text([D("2.50"), True, None], brackets=True) == "[2.5, true, —]"
    assert text([], brackets=True) == "[]"
    assert text(D("2.50"), brackets=True) == "2.5"  # only a list changes


def test_words_write_the_acts_data_as_a_reader_would():
    assert text(None, words=True) == "none" and text(True, words=True) == "yes" and text(False, words=True) == "no"
    assert text({"kk": "Жақсы", "en": "good"}, words=True) == "«Жақсы» / good"
    assert text({"en": "good"}, words=True) == "good"
    assert text({"min": D(0), "max": None}, words=True) == "{min: 0, max: none}"
    assert text([D("0.40"), [True, "x"]], words=True) == "[0.4, [yes, x]]"
    assert text(5, words=True) == "5"


def test_quoted_raw_values_are_cut_at_forty_characters():
    assert quoted("abc") == "'abc'" and quoted(12) == "12" and quoted([1, 2]) == "[1, 2]"
    long = "x" * 50
    assert quoted(long) == "'" + "x" * 36 + "..." and len(quoted(long)) == 40
    assert number(D("-2.000")) == "-2"
