"""The YAML loader (engine/source.py).

- numbers with a fraction are Decimals built from their text, integers stay int, dates are dates;
- every value and key is located (1-based line and column);
- a duplicate key is a finding at the second occurrence;
- unreadable YAML raises SourceError carrying a located finding;
- loading is safe: no Python tags, no alias bombs, no infinities or NaNs.
"""
from __future__ import annotations

import datetime as dt
import subprocess
import sys
import textwrap
import threading
from decimal import Decimal
from pathlib import Path

import pytest

from engine.language.source import SourceError, load_file, load_text

ROOT = Path(__file__).resolve().parents[2]


def refused(text: str) -> SourceError:
    with pytest.raises(SourceError) as info:
        load_text(text)
    return info.value


# ------------------------------------------------------------------------------------- numbers
def test_fraction_is_decimal_from_its_text():
    data = load_text("a: 0.4\nb: 0.1\nc: 0.2\nd: 2.60\n").data
    assert type(data["a"]) is Decimal
    assert data["a"] == Decimal("0.4")
    assert data["b"] + data["c"] == Decimal("0.3")
    assert str(data["d"]) == "2.60"  # the text, not a float's shortest repr


def test_weighted_sum_from_yaml_values_is_exact():
    data = load_text("w1: 0.4\nw2: 0.6\n").data
    assert data["w1"] * 2 + data["w2"] * 3 == Decimal("2.6")


def test_no_binary_float_anywhere():
    data = load_text("x: [0.1, {y: 1.5e+3}, -2.25]\n").data
    assert data["x"][0] == Decimal("0.1")
    assert data["x"][1]["y"] == Decimal("1500")
    assert data["x"][2] == Decimal("-2.25")

    def walk(v):
        assert not isinstance(v, float), v
        if isinstance(v, dict):
            for w in v.values():
                walk(w)
        elif isinstance(v, list):
            for w in v:
                walk(w)

    walk(data)


def test_integers_stay_int():
    data = load_text("n: 5\nm: -12\nbig: 123456789012345678901234567890\n").data
    assert type(data["n"]) is int and data["n"] == 5
    assert type(data["m"]) is int and data["m"] == -12
    assert data["big"] == 123456789012345678901234567890


def test_booleans_and_null():
    data = load_text("t: true\nf: false\nz: null\n").data
    assert data["t"] is True and data["f"] is False and data["z"] is None


def test_dates_are_dates():
    data = load_text("d: 2017-12-25\n").data
    assert type(data["d"]) is dt.date
    assert data["d"] == dt.date(2017, 12, 25)


def test_quoted_number_stays_text():
    assert load_text('e: "2017"\n').data["e"] == "2017"


@pytest.mark.parametrize("text", [".inf", "-.inf", "+.inf", ".Inf", ".nan", ".NaN", ".NAN"])
def test_infinity_and_nan_refused(text):
    exc = refused(f"key: {text}\n")
    assert exc.finding.line == 1
    assert exc.finding.col == 6  # the value, after "key: "
    assert "finite" in exc.finding.message


# ------------------------------------------------------------------------------------- locations
SNIPPET = textwrap.dedent(
    """\
    top:
      name: adi
      items:
        - 1
        - {k: 0.4}
    other: x
    """
)


def test_value_locations():
    doc = load_text(SNIPPET)
    assert doc.value_at[()] == (1, 1)
    assert doc.value_at[("top", "name")] == (2, 9)
    assert doc.value_at[("top", "items", 0)] == (4, 7)
    assert doc.value_at[("top", "items", 1)] == (5, 7)
    assert doc.value_at[("top", "items", 1, "k")] == (5, 11)
    assert doc.value_at[("other",)] == (6, 8)


def test_key_locations():
    doc = load_text(SNIPPET)
    assert doc.key_at[("top",)] == (1, 1)
    assert doc.key_at[("top", "name")] == (2, 3)
    assert doc.key_at[("top", "items")] == (3, 3)
    assert doc.key_at[("top", "items", 1, "k")] == (5, 8)
    assert doc.key_at[("other",)] == (6, 1)


def test_locate_prefers_key_when_asked_and_falls_back_to_ancestor():
    doc = load_text(SNIPPET)
    assert doc.locate(("top", "name")) == (2, 9)
    assert doc.locate(("top", "name"), key=True) == (2, 3)
    # a path that does not exist is located at its nearest located ancestor
    assert doc.locate(("top", "items", 1, "missing")) == (5, 7)
    assert doc.locate(("nothing", "here")) == (1, 1)


def test_finding_carries_the_source_line():
    doc = load_text(SNIPPET)
    f = doc.finding(("top", "items", 1, "k"), "bad", "some-code")
    assert (f.line, f.col) == (5, 11)
    assert f.source_line == "    - {k: 0.4}"
    assert f.render().splitlines()[0] == "<string>:5:11: error: bad [some-code]"
    assert f.render().splitlines()[2] == "    " + " " * 10 + "^"


def test_numeric_keys_become_their_text():
    data = load_text("2017: a\n1.50: b\n").data
    assert data == {"2017": "a", "1.50": "b"}


def test_load_file_reads_utf8(tmp_path):
    p = tmp_path / "m.yaml"
    p.write_text("title: «Б» корпусы\nw: 0.4\n", encoding="utf-8")
    doc = load_file(p)
    assert doc.data == {"title": "«Б» корпусы", "w": Decimal("0.4")}
    assert doc.path == str(p)


def test_load_file_missing_is_source_error(tmp_path):
    with pytest.raises(SourceError) as info:
        load_file(tmp_path / "nope.yaml")
    assert info.value.finding.code == "file-unreadable"


# ------------------------------------------------------------------------------------- duplicates
def test_duplicate_key_is_a_finding():
    doc = load_text("a: 1\nb: 2\na: 3\n")
    dups = [f for f in doc.problems if f.code == "duplicate-key"]
    assert len(dups) == 1
    assert "'a'" in dups[0].message
    assert dups[0].severity == "error"


def test_duplicate_key_is_located_at_the_second_key():
    # regression: the finding used to point at the first occurrence
    doc = load_text("a: 1\nb: 2\na: 3\n")
    (dup,) = [f for f in doc.problems if f.code == "duplicate-key"]
    assert (dup.line, dup.col) == (3, 1)
    assert dup.source_line == "a: 3"


def test_nested_duplicate_key_is_located_at_the_second_key():
    doc = load_text("top:\n  x: 1\n  y: 2\n  x: 3\n")
    (dup,) = [f for f in doc.problems if f.code == "duplicate-key"]
    assert (dup.line, dup.col) == (4, 3)


# ------------------------------------------------------------------------------------- syntax errors
def test_mapping_value_in_plain_scalar():
    exc = refused("a: b: c\n")
    f = exc.finding
    assert f.code == "yaml-syntax"
    assert (f.line, f.col) == (1, 5)  # the second ':'
    assert f.source_line == "a: b: c"
    assert "not valid YAML" in f.message


def test_tab_indentation():
    exc = refused("a:\n\tb: 1\n")
    assert exc.finding.code == "yaml-syntax"
    assert (exc.finding.line, exc.finding.col) == (2, 1)


def test_error_on_a_later_line():
    text = "one: 1\ntwo: 2\nthree: [3, 4\nfour: 4\n"
    exc = refused(text)
    assert exc.finding.code == "yaml-syntax"
    # inside the unclosed '[' of line 3, the ':' after "four" (line 4, column 5) cannot be parsed
    assert (exc.finding.line, exc.finding.col) == (4, 5)
    assert exc.finding.source_line == "four: 4"


def test_over_indented_key():
    exc = refused("one: 1\n  two: 2\n")
    assert (exc.finding.line, exc.finding.col) == (2, 6)  # the ':' after "two"


def test_source_error_message_is_the_rendered_finding():
    exc = refused("a: b: c\n")
    assert str(exc).startswith("<string>:1:5: error: ")


def test_empty_document_is_none():
    assert load_text("").data is None
    assert load_text("# only a comment\n").data is None


def test_mapping_as_key_refused():
    exc = refused("? {a: 1}\n: x\n")
    assert exc.finding.line == 1


# ------------------------------------------------------------------------------------- safety
@pytest.mark.parametrize("text", [
    "x: !!python/name:os.system\n",
    "x: !!python/object/new:os.system ''\n",
    "x: !!python/object:os.system ''\n",
    "x: !!python/tuple ''\n",
])
def test_python_tags_on_scalars_refused(text):
    exc = refused(text)
    assert exc.finding.code == "yaml-value"
    assert (exc.finding.line, exc.finding.col) == (1, 4)


@pytest.mark.parametrize("text", [
    "x: !!python/object:collections.OrderedDict {a: 1}\n",
    "x: !!python/object/apply:os.system ['echo hi']\n",
    "x: !!python/object/new:dict {a: 1}\n",
])
def test_python_tags_on_collections_refused(text):
    # regression: the tag of a mapping or sequence used to be dropped silently
    refused(text)


def test_unknown_local_tag_refused():
    refused("x: !custom 1\n")


def _run_guarded(fn, seconds=120):
    """Run fn in a thread; a generous bound guards the suite against a hang (not a speed test)."""
    box: dict = {}

    def target():
        try:
            box["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - reported below
            box["error"] = exc

    t = threading.Thread(target=target, daemon=True)
    t.start()
    t.join(seconds)
    assert not t.is_alive(), "loader did not return (hang)"
    return box


def billion_laughs(levels: int = 9) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_billion_laughs_refused_cleanly():
    box = _run_guarded(lambda: load_text(billion_laughs()))
    err = box.get("error")
    assert isinstance(err, SourceError), box
    assert err.finding.code == "yaml-value"
    assert "too large" in err.finding.message


def test_alias_bomb_in_one_nested_value_refused():
    # the anchors are all inside one value, so expansion happens while building a single node
    node = '["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'
    for i in range(8):
        node = f"[&b{i} {node}" + f", *b{i}" * 8 + "]"
    box = _run_guarded(lambda: load_text("x: " + node + "\n"))
    assert isinstance(box.get("error"), SourceError), box


def test_modest_aliases_are_fine():
    data = load_text("base: &b {w: 0.4}\nuse: *b\nlist: [*b, *b]\n").data
    assert data["use"] == {"w": Decimal("0.4")}
    assert data["list"] == [{"w": Decimal("0.4")}, {"w": Decimal("0.4")}]


def test_merge_key_is_expanded_exactly_or_refused_at_the_merge():
    text = "base: &b {w: 0.4}\nmerged: {<<: *b, v: 1}\n"
    try:
        data = load_text(text).data
    except SourceError as exc:
        assert (exc.finding.line, exc.finding.col) == (2, 10)  # the "<<" after "merged: {"
        return
    assert data["merged"] == {"w": Decimal("0.4"), "v": 1}


MERGE_BOMB_SCRIPT = r"""
import resource, sys
limit = 512 * 1024 * 1024
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
from engine.language.source import SourceError, load_text
node = "{" + ", ".join(f"k{i}: {i}" for i in range(9)) + "}"
for lv in range(7):   # 8 levels of nine-fold merge keys: 9**8 = 43 million key/value pairs
    node = "{<<: [&m%d %s%s]}" % (lv, node, f", *m{lv}" * 8)
try:
    load_text("x: " + node + "\n")
    print("loaded")
except SourceError as exc:
    print("refused", exc.finding.code)
except MemoryError:
    print("MemoryError")
"""


@pytest.mark.skipif(sys.platform != "linux", reason="uses RLIMIT_AS")
def test_merge_key_bomb_refused_within_bounded_memory():
    # regression: PyYAML's flatten_mapping expanded nested merge keys before any node was counted
    try:
        proc = subprocess.run([sys.executable, "-c", MERGE_BOMB_SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=300)
    except subprocess.TimeoutExpired:
        pytest.fail("loader did not return (hang)")
    assert proc.stdout.strip() == "refused yaml-value", (proc.stdout, proc.stderr[-2000:])
