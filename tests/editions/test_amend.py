"""`adisteme amend`: a new edition's file from an old one, and `adisteme diff` after the drafter's edit."""
from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import yaml
from click.testing import CliRunner

import cli
from engine.editions.amend import amend as amend_edition
from engine.editions.registry import Registry, load_methodology

ROOT = Path(__file__).resolve().parents[2]
WKO = ROOT / "methodologies" / "wko-maslikhat" / "2017.yaml"


def invoke(*args):
    return CliRunner().invoke(cli.main, [str(a) for a in args])


def amend(tmp_path: Path, *extra) -> tuple[Path, object]:
    r = invoke("amend", "wko-maslikhat@2017", "--edition", "2018", "--valid-from", "2018-03-01", "--dir", tmp_path, *extra)
    return tmp_path / "wko-maslikhat" / "2018.yaml", r


def test_amend_creates_the_new_edition_linked_by_supersedes(tmp_path):
    new, r = amend(tmp_path, "--act-number", "12-3", "--act-date", "2018-02-14", "--act", "decision No. 12-3 of 14.02.2018")
    assert r.exit_code == 0, r.output
    assert f"created {new}" in r.stdout
    data = yaml.safe_load(new.read_text(encoding="utf-8"))
    assert data["edition"] == "2018"
    assert str(data["validity"]["from"]) == "2018-03-01" and data["validity"]["to"] is None
    assert data["supersedes"] == ["wko-maslikhat@2017"]
    assert data["act"]["number"] == "12-3" and str(data["act"]["date"]) == "2018-02-14"
    assert "decision No. 12-3 of 14.02.2018" in data["validity"]["note"]
    loaded = load_methodology(new)
    assert loaded.errors == [] and loaded.methodology.id == "wko-maslikhat@2018"


def test_amend_keeps_every_comment_and_line_of_the_old_file(tmp_path):
    new, r = amend(tmp_path)
    assert r.exit_code == 0, r.output
    old_lines = WKO.read_text(encoding="utf-8").splitlines()
    new_lines = new.read_text(encoding="utf-8").splitlines()
    assert [ln for ln in old_lines if ln.lstrip().startswith("#")] == [ln for ln in new_lines if ln.lstrip().startswith("#")
                                                                           and "adisteme amend" not in ln]
    changed = {ln for ln in old_lines if ln not in new_lines}
    # only the edition, the validity dates and note, and supersedes differ
    assert all(re.match(r"^(edition:|  from:|  note:|    Dec\. p\.2|    \(in force|    and no repeal|supersedes:)", ln) for ln in changed), changed
    assert new_lines[0] == old_lines[0]  # the yaml-language-server modeline stays first


def test_amend_refuses_to_overwrite(tmp_path):
    new, r = amend(tmp_path)
    assert r.exit_code == 0
    before = new.read_text(encoding="utf-8")
    _, again = amend(tmp_path)
    assert again.exit_code == 2
    assert "exists already" in again.output and "never overwrites" in again.output
    assert new.read_text(encoding="utf-8") == before


def test_amend_refuses_an_existing_edition_and_a_bad_name(tmp_path):
    r = invoke("amend", "wko-maslikhat@2017", "--edition", "2017", "--valid-from", "2018-01-01", "--dir", tmp_path)
    assert r.exit_code == 2 and "must differ" in r.output
    r = invoke("amend", "wko-maslikhat@2017", "--edition", "20 18", "--valid-from", "2018-01-01", "--dir", tmp_path)
    assert r.exit_code == 2 and "not an edition name" in r.output
    r = invoke("amend", "wko-maslikhat@2017", "--edition", "2018", "--valid-from", "1.3.2018", "--dir", tmp_path)
    assert r.exit_code == 2
    assert not (tmp_path / "wko-maslikhat" / "2018.yaml").exists()


def test_diff_after_an_edit_shows_the_change(tmp_path):
    new, r = amend(tmp_path)
    assert r.exit_code == 0
    plain = invoke("diff", "wko-maslikhat@2017", new)
    assert plain.exit_code == 1
    assert "from: none → 2018-03-01" in plain.output and "supersedes: + wko-maslikhat@2017" in plain.output
    text = new.read_text(encoding="utf-8")
    marker = "      - id: effective\n        label: {kk: тиімді, en: effective}\n        at_least: 106"
    assert text.count(marker) == 2  # p.27 and the p.32 conversion
    new.write_text(text.replace(marker, marker.replace("106", "110"), 1), encoding="utf-8")
    edited = invoke("diff", "wko-maslikhat@2017", new)
    assert edited.exit_code == 1
    assert "band effective: lower bound at least 106 → at least 110" in edited.output
    assert "quarterly_rating" in edited.output


def test_amend_beside_the_old_edition_records_the_act_and_copies_the_tests(tmp_path):
    shutil.copytree(WKO.parent, tmp_path / "wko-maslikhat")
    r = invoke("-M", tmp_path, "amend", "wko-maslikhat@2017", "--edition", "2018", "--valid-from", "2018-03-01",
               "--act", "decision No. 12-3 of 14.02.2018", "--act-source", "005_x.txt", "--with-tests")
    assert r.exit_code == 0, r.output
    folder = tmp_path / "wko-maslikhat"
    acts = yaml.safe_load((folder / "acts.yaml").read_text(encoding="utf-8"))
    entry = acts["acts"][-1]
    assert entry["edition"] == "2018" and entry["supersedes"] == ["2017"] and entry["name"] == "decision No. 12-3 of 14.02.2018"
    tests = (folder / "2018.tests.yaml").read_text(encoding="utf-8")
    assert "methodology: wko-maslikhat@2018" in tests
    v = invoke("-M", tmp_path, "validate", folder)
    assert v.exit_code == 0, v.output
    listed = invoke("-M", tmp_path, "acts", "wko-maslikhat")
    assert "wko-maslikhat@2018" in listed.output and "2018-03-01" in listed.output
    t = invoke("-M", tmp_path, "test", folder / "2018.tests.yaml")
    assert t.exit_code == 0, t.output[-2000:]


def test_an_acts_file_the_new_entry_would_not_validate_is_left_as_it_was(tmp_path):
    shutil.copytree(WKO.parent, tmp_path / "wko-maslikhat")
    acts = tmp_path / "wko-maslikhat" / "acts.yaml"
    # the 2017 act names an interpretation the file does not define: any text with it stays invalid
    broken = acts.read_text(encoding="utf-8").replace("    supersedes: []\n", "    supersedes: []\n    interpretations: [no-such-reading]\n")
    acts.write_text(broken, encoding="utf-8")
    r = invoke("-M", tmp_path, "amend", "wko-maslikhat@2017", "--edition", "2018", "--valid-from", "2018-03-01",
               "--act", "decision No. 12-3 of 14.02.2018")
    assert r.exit_code == 0, r.output
    assert f"{acts} was not changed: the new entry would not validate (interpretation 'no-such-reading' is not defined)" in r.stderr
    assert acts.read_text(encoding="utf-8") == broken
    assert sorted(p.name for p in acts.parent.iterdir() if p.name.startswith(".")) == []  # no half-written file left


def test_recording_the_act_leaves_no_temporary_file(tmp_path):
    shutil.copytree(WKO.parent, tmp_path / "wko-maslikhat")
    r = invoke("-M", tmp_path, "amend", "wko-maslikhat@2017", "--edition", "2018", "--valid-from", "2018-03-01", "--act", "No. 1")
    assert r.exit_code == 0, r.output
    assert f"updated {tmp_path / 'wko-maslikhat' / 'acts.yaml'}" in r.stdout
    assert [p.name for p in (tmp_path / "wko-maslikhat").iterdir() if p.name.startswith(".") or p.suffix == ".new"] == []


def test_the_amended_edition_names_the_other_files_it_wrote(tmp_path):
    shutil.copytree(WKO.parent, tmp_path / "wko-maslikhat")
    done = amend_edition(Registry.default([tmp_path]), "wko-maslikhat@2017", "2018", dt.date(2018, 3, 1), act_name="No. 1", tests=True)
    folder = tmp_path / "wko-maslikhat"
    assert done.also_written() == [f"created {folder / '2018.tests.yaml'}", f"updated {folder / 'acts.yaml'}"]
    plain = amend_edition(Registry.default([tmp_path]), "wko-maslikhat@2017", "2019", dt.date(2019, 1, 1))
    assert plain.also_written() == []
