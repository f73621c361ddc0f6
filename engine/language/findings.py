"""Findings: located messages about a file or a record, printed the way compilers print them."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Finding:
    """One problem found in a source file: where it is, how bad, what it is."""

    file: str
    line: int
    col: int
    message: str
    code: str
    severity: str = "error"  # error | warning | note
    source_line: str = field(default="", compare=False)

    def render(self, *, with_source: bool = True) -> str:
        head = f"{self.file}:{self.line}:{self.col}: {self.severity}: {self.message} [{self.code}]"
        if not with_source or not self.source_line:
            return head
        caret = " " * (max(self.col, 1) - 1) + "^"
        return f"{head}\n    {self.source_line}\n    {caret}"

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "line": self.line,
            "col": self.col,
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
        }


def sort_findings(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.file, f.line, f.col, f.code))
