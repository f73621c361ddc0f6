"""Text shared by tests that write small methodology files of their own."""


def act_head(family: str) -> str:
    """The identity part of a minimal valid methodology file (ends with `supersedes: []`)."""
    return f"""\
# yaml-language-server: $schema=../../schemas/methodology.schema.json
language: 1
family: {family}
edition: "1"
act:
  title: {{kk: әдістеме, en: methodology}}
  issuer: {{kk: орган, en: body}}
  type: {{kk: бұйрық, en: order}}
  number: "1"
  date: null
  status: unknown
  source: test.txt
validity: {{from: null, to: null, cite: p.1}}
supersedes: []
"""
