"""A test family with dated editions, built from wko-maslikhat@2017 (shared by the issue-6 tests).

testfam, as its acts.yaml and methodology files say:
  2016  not encoded   2016-01-01 … 2016-12-31
  2017  encoded       2017-01-01 … (ends when 2018 starts: 2017-06-30)
  2018  encoded       2017-07-01 … 2018-12-31, repealed by "order No. 7 of 20.12.2018"
  (gap 2019)
  2020  not encoded   2020-01-01 … 2020-12-31, repealed by "order No. 9 of 25.12.2020"
"""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WKO = ROOT / "methodologies" / "wko-maslikhat" / "2017.yaml"

ACTS = """\
# yaml-language-server: $schema=../../schemas/acts.schema.json
family: testfam
periods: {straddle: %(straddle)s, interpretation: straddle-rule}
acts:
  - edition: "2016"
    name: order No. 1 of 01.01.2016
    source: test
    valid_from: 2016-01-01
    valid_to: 2016-12-31
    interpretations: [test-dates]
  - edition: "2017"
    name: order No. 2 of 01.01.2017
    source: test
    supersedes: ["2016"]
  - edition: "2018"
    name: order No. 3 of 01.07.2017
    source: test
    supersedes: ["2017"]
  - edition: "2020"
    name: order No. 8 of 01.01.2020
    source: test
    valid_from: 2020-01-01
    valid_to: 2020-12-31
    repealed_by: {name: order No. 9 of 25.12.2020, date: 2020-12-25}
    interpretations: [test-dates]
interpretations:
  test-dates: {source: test, says: the dates, does: uses them, why: a test}
  straddle-rule: {source: test, says: nothing, does: the last day decides, why: a test}
"""


def edition_text(edition: str, valid_from: str, valid_to: str, extra: str = "") -> str:
    text = WKO.read_text(encoding="utf-8")
    text = text.replace("family: wko-maslikhat", "family: testfam", 1).replace('edition: "2017"', f'edition: "{edition}"', 1)
    old = "validity:\n  from: null\n  to: null\n"
    assert old in text
    return text.replace(old, f"validity:\n  from: {valid_from}\n  to: {valid_to}\n{extra}", 1)


def make_testfam(base: Path, straddle: str = "end") -> Path:
    """Write methodologies/testfam/{acts,2017,2018}.yaml under `base`; return the methodologies folder."""
    folder = base / "methodologies" / "testfam"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "acts.yaml").write_text(ACTS % {"straddle": straddle}, encoding="utf-8")
    (folder / "2017.yaml").write_text(edition_text("2017", "2017-01-01", "null"), encoding="utf-8")
    (folder / "2018.yaml").write_text(edition_text(
        "2018", "2017-07-01", "2018-12-31", "  repealed_by: {name: order No. 7 of 20.12.2018, date: 2018-12-20}\n"), encoding="utf-8")
    return base / "methodologies"


ORGS = """\
# yaml-language-server: $schema=../schemas/organisations.schema.json
organisations:
  test-org:
    name: {kk: Сынақ мекемесі, en: Test institution}
    region: {kk: Батыс Қазақстан облысы, en: West Kazakhstan region}
    kind: akim-apparatus
    source: a test
    bindings:
%(bindings)s
"""


def make_orgs(base: Path, bindings: str) -> Path:
    path = base / "orgs.yaml"
    path.write_text(ORGS % {"bindings": bindings}, encoding="utf-8")
    return path


def invoke(*args):
    """Run the CLI in-process; a crash (anything but an exit) fails the test."""
    import cli
    from click.testing import CliRunner

    result = CliRunner().invoke(cli.main, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result
