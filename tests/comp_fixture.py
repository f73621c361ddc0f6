"""A small competition methodology for the tests of cohorts, applications, windows and refusals.

It is written for the tests, not taken from an act: `contest@1` has a stage ranked per region
(the top two advance, at most two per club), a final with three places (the second counted twice),
an application with a form, a submission window of 1-15 March and whole-month heats, an eligibility
rule on whole years, and a jury that decides ties.
"""
from __future__ import annotations

from pathlib import Path

from engine.editions.registry import load_methodology

TEXT = """\
# yaml-language-server: $schema=../../schemas/methodology.schema.json
language: 1
family: contest
edition: "1"
act:
  title: {kk: сынақ, en: a test contest}
  issuer: {kk: сынақ, en: tests}
  type: {kk: сынақ, en: test}
  number: null
  date: null
  source: test
  status: in_force
validity: {from: null, to: null, cite: p.1}
supersedes: []
parameters:
  region_quota: {cite: p.2, label: {kk: екі, en: two per region}, value: 2}
  club_quota: {cite: p.2, label: {kk: екі, en: two per club}, value: 2}
  min_years: {cite: p.3, label: {kk: үш жыл, en: three years}, value: 3}
inputs:
  year: {cite: p.1, label: {kk: жыл, en: year}, type: integer}
  region: {cite: p.2, label: {kk: аймақ, en: region}, type: string}
  club: {cite: p.2, label: {kk: клуб, en: club}, type: string}
  points: {cite: p.2, label: {kk: балл, en: points}, type: decimal, min: 0}
  penalties: {cite: p.2, label: {kk: айыппұл, en: penalties}, type: decimal, default: 0}
  member_since: {cite: p.3, label: {kk: мүше, en: member since}, type: date}
  applied_on: {cite: p.4, label: {kk: өтінім, en: applied on}, type: date}
  documents: {cite: p.5, label: {kk: құжаттар, en: documents}, type: list, items: {type: string}, default: []}
  form_fields: {cite: Annex 1, label: {kk: өрістер, en: form fields}, type: list, items: {type: string}, default: []}
formulas:
  membership_years: {cite: p.3, label: {kk: жыл, en: whole years of membership}, expr: "years_between(member_since, applied_on)"}
  net_points: {cite: p.2, label: {kk: балл, en: points less penalties}, expr: points - penalties}
eligibility:
  member_three_years: {cite: p.3, label: {kk: үш жыл, en: a member for three years}, require: membership_years >= min_years}
deadlines:
  opens: {cite: p.4, label: {kk: ашылады, en: opens 1 March}, fixed: {month: 3, day: 1}, year: year}
  closes: {cite: p.4, label: {kk: жабылады, en: closes 15 March}, fixed: {month: 3, day: 15}, year: year}
windows:
  applications_window: {cite: p.4, label: {kk: 1-15 наурыз, en: applications 1-15 March}, opens: opens, closes: closes, date: applied_on, interpretations: [both-ends]}
  heats: {cite: p.6, label: {kk: сәуір-мамыр, en: heats in April-May}, months: {from: 4, to: 5}, year: year}
applications:
  entry:
    cite: p.5
    label: {kk: құжаттар, en: the entry}
    given: documents
    items:
      - {id: form, cite: p.5(1), label: {kk: өтінім, en: the form}, form: entry_form, fields_given: form_fields}
      - {id: photo, cite: p.5(2), label: {kk: сурет, en: a photo}}
      - {id: references, cite: p.5(3), label: {kk: ұсыным, en: references if any}, optional: true}
bodies:
  jury: {cite: p.7, label: {kk: қазылар, en: the jury}}
cohorts:
  heat:
    cite: p.2
    label: {kk: іріктеу, en: the heat}
    group_by: region
    rank_by: net_points
    advance: {top: region_quota, cite: p.2, label: {kk: екеуі, en: the top two of each region}}
    limits:
      - {id: two_per_club, per: club, at_most: club_quota, cite: p.2, label: {kk: екі, en: at most two per club}}
    ties: {decided_by: jury, cite: p.7, label: {kk: қазылар, en: the jury decides}, interpretations: [no-tie-break]}
  final:
    cite: p.8
    label: {kk: финал, en: the final}
    rank_by: net_points
    places:
      - {id: gold, cite: p.8, label: {kk: алтын, en: gold}}
      - {id: silver, cite: p.8, label: {kk: күміс, en: silver}, count: 2}
    ties: {decided_by: jury, cite: p.7, label: {kk: қазылар, en: the jury decides}}
consequences:
  medal: {cite: p.8, label: {kk: медаль, en: a medal}, when: "place in ['gold', 'silver']"}
  prize: {cite: p.8, label: {kk: сыйлық, en: a prize}, when: "place == 'gold'", amount: null, amount_note: the act sets none}
evaluations:
  apply:
    cite: p.3
    label: {kk: өтінім, en: an application}
    inputs: [year, member_since, applied_on, documents, form_fields]
    outputs: [membership_years]
    eligibility: [member_three_years]
    windows: [applications_window]
    applications: [entry]
  heat:
    cite: p.2
    label: {kk: іріктеу, en: the heat}
    inputs: [region, club, points, penalties]
    outputs: [net_points]
    cohort: heat
  final:
    cite: p.8
    label: {kk: финал, en: the final}
    inputs: [points, penalties]
    outputs: [net_points]
    cohort: final
    consequences: [medal, prize]
  deadlines:
    cite: p.4
    label: {kk: күнтізбе, en: the calendar}
    inputs: [year]
    outputs: [opens, closes]
    windows: [heats]
documents:
  entry_form:
    cite: Annex 1
    label: {kk: өтінім, en: the entry form}
    fields:
      - {id: name, label: {kk: аты, en: name}}
      - {id: phone, label: {kk: телефон, en: phone}}
      - {id: awards, label: {kk: марапат, en: awards}, optional: true}
  badge: {cite: Annex 2, label: {kk: белгі, en: a badge}, content_note: the annex gives no description}
interpretations:
  both-ends: {cite: p.4, says: 1-15 March, does: both days are in, why: a test}
  no-tie-break: {cite: p.7, says: no tie-break, does: the jury decides, why: a test}
"""


def write(tmp_path: Path, text: str = TEXT) -> Path:
    path = tmp_path / "contest" / "1.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def load(tmp_path: Path, text: str = TEXT):
    loaded = load_methodology(write(tmp_path, text))
    return loaded


def mutate(old: str, new: str, text: str = TEXT) -> str:
    assert old in text, old
    return text.replace(old, new, 1)
