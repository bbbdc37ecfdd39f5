"""Anger, urgency and danger of a text, from the editable lexicon (`RiskTerm`).

Pure functions, no database: `services` loads the terms and stores the result.

Each kind's score combines the weights of its matched terms as independent pieces of evidence,
1 − Π(1 − w) with each term counted at most `MAX_REPEATS` times, so it stays within 0..1, one
strong word weighs more than several weak ones, and repeating a word adds less each time.
A term is ignored when a negation or prevention word stands just before it in the same clause
("没有燃气泄漏", "预防火灾", "不能跳楼"), and weighs half when the clause is hypothetical
("如果发生燃气泄漏"): those texts talk about a danger more than they report one. Phrases that
merely contain a term (跳楼机, 跳楼价) are lexicon entries of kind `exclude`, blanked out first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_REPEATS = 2
WINDOW = 6
NEGATIONS = (
    "没有",
    "没",
    "不是",
    "并非",
    "无",
    "未",
    "不会",
    "不能",
    "不要",
    "防止",
    "避免",
    "预防",
    "以防",
    "杜绝",
    "谨防",
    "防范",
    "消除",
)
HYPOTHETICAL = ("如果", "假如", "若是", "一旦", "万一", "以免", "担心", "可能", "容易")
HYPOTHETICAL_FACTOR = 0.5
EXCLUDE = "exclude"
_CLAUSE_END = re.compile(r"[，。！？；：,.!?;:\n]")


class Level:
    LOW, MEDIUM, HIGH, CRITICAL = "low", "medium", "high", "critical"


@dataclass(frozen=True)
class Term:
    term: str
    kind: str  # anger | urgency | danger | exclude
    weight: float
    category: str = ""


@dataclass
class Assessment:
    anger: float = 0.0
    urgency: float = 0.0
    danger: float = 0.0
    matches: list[dict] = field(default_factory=list)

    @property
    def categories(self) -> list[str]:
        return sorted({m["category"] for m in self.matches if m["kind"] == "danger"})


def occurrences(text: str, term: str) -> tuple[int, int]:
    """How often `term` is asserted and how often it is hypothetical in `text`, at most
    MAX_REPEATS occurrences in all; negated ones are not counted."""
    asserted = hypothetical = 0
    start = text.find(term)
    while start >= 0 and asserted + hypothetical < MAX_REPEATS:
        before = _CLAUSE_END.split(text[max(0, start - WINDOW) : start])[-1]
        if any(word in before for word in HYPOTHETICAL):
            hypothetical += 1
        elif not any(word in before for word in NEGATIONS):
            asserted += 1
        start = text.find(term, start + len(term))
    return asserted, hypothetical


def assess(text: str, terms: list[Term]) -> Assessment:
    for term in terms:
        if term.kind == EXCLUDE:
            text = text.replace(term.term, " " * len(term.term))
    result, remaining = Assessment(), {"anger": 1.0, "urgency": 1.0, "danger": 1.0}
    for term in terms:
        if term.kind not in remaining:
            continue
        asserted, hypothetical = occurrences(text, term.term)
        if asserted or hypothetical:
            weight = min(max(term.weight, 0.0), 1.0)
            remaining[term.kind] *= (1 - weight) ** asserted * (
                1 - weight * HYPOTHETICAL_FACTOR
            ) ** hypothetical
            result.matches.append(
                {
                    "term": term.term,
                    "kind": term.kind,
                    "weight": term.weight,
                    "category": term.category,
                    "count": asserted + HYPOTHETICAL_FACTOR * hypothetical,
                }
            )
    result.anger, result.urgency, result.danger = (
        round(1 - remaining[k], 3) for k in ("anger", "urgency", "danger")
    )
    return result


# Levels from the scores. Danger decides: anger and urgency alone make a request worth a look
# (medium), not an alarm. Critical needs one unambiguous word (跳楼, 燃气泄漏: a life at stake)
# or overwhelming combined evidence; a group request (群体性诉求) is at least high.
CRITICAL_TERM = 0.9
CRITICAL_DANGER = 0.97
HIGH_DANGER = 0.6
MEDIUM_DANGER = 0.3
MEDIUM_FEELING = 0.7


def level_for(assessment: Assessment, *, group: bool = False) -> str:
    d = assessment.danger
    # A hypothetical mention ("如果发生燃气泄漏", count 0.5) is not alarming on its own.
    strongest = max(
        (m["weight"] * min(m["count"], 1) for m in assessment.matches if m["kind"] == "danger"),
        default=0.0,
    )
    if strongest >= CRITICAL_TERM or d >= CRITICAL_DANGER:
        return Level.CRITICAL
    if d >= HIGH_DANGER or group:
        return Level.HIGH
    if d >= MEDIUM_DANGER or max(assessment.anger, assessment.urgency) >= MEDIUM_FEELING:
        return Level.MEDIUM
    return Level.LOW
