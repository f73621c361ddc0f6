"""Collegial bodies: quorum and voting rules as the act states them."""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import ClassVar, Optional

from ..language.expressions import EvaluationError
from ..language.functions import Operand


@dataclass(frozen=True)
class Body(Operand):
    operand: ClassVar[str] = "body"
    id: str
    label: dict
    cite: tuple[str, ...]
    quorum: Optional[Fraction]  # share of the voting membership that must attend
    quorum_strict: bool  # True: "more than", False: "at least"
    quorum_cite: tuple[str, ...]
    casting_vote: Optional[str]  # "chair" or None
    tie_cite: tuple[str, ...]
    min_members: Optional[int] = None

    def quorate(self, members: int, present: int) -> bool:
        if members <= 0:
            raise EvaluationError(f"a body of {members} members cannot meet")
        if present > members:
            raise EvaluationError(f"{present} present is more than the {members} members")
        if self.quorum is None:
            raise EvaluationError(f"the act sets no quorum for '{self.id}'")
        share = Fraction(int(present), int(members))
        return share > self.quorum if self.quorum_strict else share >= self.quorum

    def vote(self, votes_for: int, votes_against: int, chair_for: Optional[bool]) -> str:
        if votes_for > votes_against:
            return "adopted"
        if votes_for < votes_against:
            return "rejected"
        if self.casting_vote and chair_for is not None:
            return "adopted" if chair_for else "rejected"
        where = ", ".join(self.tie_cite or self.cite)
        if self.casting_vote:
            raise EvaluationError(f"tie {votes_for}–{votes_against}: the {self.casting_vote}'s casting vote decides, but it was not given [{where}]")
        raise EvaluationError(f"tie {votes_for}–{votes_against}: the act gives no way to break it [{where}]")

    def quorum_words(self) -> str:
        if self.quorum is None:
            return "no quorum set"
        return f"{'more than' if self.quorum_strict else 'at least'} {self.quorum} of the members present"
