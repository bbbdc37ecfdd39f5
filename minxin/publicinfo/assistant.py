"""智能客服: answer a citizen's question from what is public, always citing, saying so when
nothing fits, and handing the question over as a prefilled request.

Retrieval, no generation and nothing from outside: the one search (`search.py`, any word) finds
up to CANDIDATES documents among guides, published cases, notices and FAQ; each is scored by
how much of the question's weight it covers, the weights being jieba's TF-IDF keywords of the
question (the same bundled IDF table the similar-case lookup uses). A word of the question in
a source's title counts double. Sources under MIN_SCORE are not offered; with none left the
answer says plainly that it does not know and offers the request form.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.http import urlencode

from minxin.core.errors import ValidationFailed
from minxin.publicinfo import search
from minxin.similar.text import weighted_keywords

MAX_QUESTION = 500
CANDIDATES = 30
TOP = 3
MIN_SCORE = 0.35
KINDS = ["guide", "case", "notice", "faq", "policy"]
NOT_FOUND = (
    "抱歉，公开的办事指南、典型案例和常见问题里没有找到能回答这个问题的内容。"
    "您可以把问题转为咨询诉求，工作人员会在3个工作日内答复。"
)


@dataclass(frozen=True)
class Source:
    title: str
    url: str
    score: float
    kind: str
    snippet: str


def check_question(question: str) -> str:
    question = " ".join((question or "").split())
    if not question:
        raise ValidationFailed("请输入您的问题", field="question")
    if len(question) > MAX_QUESTION:
        raise ValidationFailed(f"问题不能超过{MAX_QUESTION}字", field="question")
    return question


def sources_for(question: str) -> list[Source]:
    """The best sources for QUESTION, best first, at most TOP, each scoring MIN_SCORE or more."""
    weights = weighted_keywords(question)
    total = sum(weights.values())
    if not total:
        return []
    scored = []
    for hit in search.search(question, kinds=KINDS, match="any", limit=CANDIDATES):
        entry = hit.entry
        words = set(entry.words.split())
        title = set(search.index_words(entry.title).split())
        covered = sum(w * (2 if t in title else 1) for t, w in weights.items() if t in words)
        score = min(covered / total, 2.0) / 2 if covered else 0.0
        scored.append(Source(entry.title, entry.url, round(score, 3), entry.kind, entry.snippet))
    scored.sort(key=lambda s: -s.score)
    return [s for s in scored if s.score >= MIN_SCORE][:TOP]


def answer(question: str) -> dict[str, Any]:
    """{answer, answered, sources: [{title, url, score}], request_url}."""
    question = check_question(question)
    sources = sources_for(question)
    if sources:
        best = sources[0]
        text = f"以下内容可能对您有帮助。《{best.title}》：{best.snippet}……请点开来源查看全文。"
    else:
        text = NOT_FOUND
    return {
        "answer": text,
        "answered": bool(sources),
        "sources": [{"title": s.title, "url": s.url, "score": s.score} for s in sources],
        "request_url": request_url(question, sources),
    }


def request_url(question: str, sources: list[Source]) -> str:
    """The request form, filled in as a consultation with the question (and what was read)."""
    content = question
    if sources:
        content += "\n\n（已查看：" + "；".join(s.title for s in sources) + "）"
    title = question[:30]
    query = urlencode({"request_type": "consultation", "title": title, "content": content})
    return "/submit/?" + query
