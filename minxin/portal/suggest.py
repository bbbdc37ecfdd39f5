"""Category suggestions while a citizen types: the city's model if it has one, else keywords.

A suggestion only helps the citizen pick; staff confirm the category at intake either way,
so any failure of the model means "fall back", never an error on the page.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from minxin.org.models import Category

log = logging.getLogger(__name__)
MAX_TEXT = 2000
MIN_TEXT = 2


MIN_UNIT_CONFIDENCE = 0.3  # below this the citizen is told nothing rather than a guess
SHOWN_FLOOR = 0.05  # alternatives less likely than this are not offered to the citizen


def suggestion_payload(text: str, district: str = "") -> dict:
    """What the submission page shows while the citizen types: categories, and the likely
    handling unit in plain words ("预计由 XX 办理") when the recommender is fairly sure."""
    found, source = suggest_categories(text)
    # The citizen sees the best guess and the alternatives worth a look; a "0 %" option is
    # noise. The unit hint still weighs every guess.
    shown = [f for n, f in enumerate(found) if n == 0 or f["confidence"] >= SHOWN_FLOOR]
    payload: dict = {"source": source, "suggestions": shown, "unit": None}
    if found:
        district_id = int(district) if district.isdigit() and len(district) < 10 else None
        payload["unit"] = likely_unit(text, found, source, district_id)
    return payload


def likely_unit(text: str, found: list[dict], source: str, district_id: int | None) -> dict | None:
    try:
        from minxin.routing.recommend import KEYWORD_SHARE, Case, knowledge

        share = 1.0 if source == "model" else KEYWORD_SHARE
        case = Case(
            text=text,
            district_id=district_id,
            guesses=[(f["id"], share * f["confidence"]) for f in found],
        )
        top = knowledge().recommend([case], k=1)[0]
    except Exception:  # a hint, never an error on the page
        log.debug("unit recommendation unavailable", exc_info=True)
        return None
    if not top or top[0].confidence < MIN_UNIT_CONFIDENCE:
        return None
    unit, confidence = top[0].unit, top[0].confidence
    return {
        "id": unit.pk,
        "name": unit.name,
        "confidence": round(confidence, 3),
        "text": f"预计由{unit.name}办理",
    }


def suggest_categories(text: str, k: int = 3) -> tuple[list[dict], str]:
    """Up to k suggestions and where they came from ("model", "keywords" or "")."""
    text = (text or "").strip()[:MAX_TEXT]
    if len(text) < MIN_TEXT:
        return [], ""
    second_level = list(
        Category.objects.filter(is_active=True, parent__isnull=False).select_related("parent")
    )
    found = _from_model(text, k, second_level)
    if found:
        return found, "model"
    found = _from_keywords(text, k, second_level)
    return found, "keywords" if found else ""


def _from_model(text: str, k: int, categories: list[Category]) -> list[dict]:
    try:
        from minxin.nlp import predict_category  # type: ignore[attr-defined]

        raw = list(predict_category(text, k=k))
    except Exception:  # no model yet, or a broken one: use the keywords
        log.debug("category model unavailable", exc_info=True)
        return []
    return _resolve(raw, categories, text)[:k]


def _resolve(raw: Iterable[Any], categories: list[Category], text: str = "") -> list[dict]:
    """Model labels may be a "top/child" path, a second-level name, an id, or a first-level
    name (the shared-data model's labels), which is narrowed to its best-matching child."""
    by_label: dict[str, Category] = {}
    for c in categories:
        by_label.setdefault(c.name, c)
        by_label[str(c)] = c
        by_label[str(c.pk)] = c
    out = []
    for label, confidence in raw:
        label = str(label).strip()
        category = by_label.get(label) or _best_child(label, categories, text)
        if category is not None:
            out.append(_entry(category, float(confidence)))
    return out


def _best_child(top_name: str, categories: list[Category], text: str) -> Category | None:
    children = [c for c in categories if c.parent_id and c.parent.name == top_name]
    if not children:
        return None
    return max(children, key=lambda c: sum(1 for w in c.keywords.split() if w and w in text))


def _from_keywords(text: str, k: int, categories: list[Category]) -> list[dict]:
    """Second-level categories ranked by how many of their keywords the text contains."""
    from minxin.routing.recommend import keyword_ranking

    return [_entry(c, share) for c, share in keyword_ranking(text, categories, k)]


def _entry(category: Category, confidence: float) -> dict:
    return {
        "id": category.pk,
        "label": str(category),
        "name": category.name,
        "group": category.parent.name if category.parent_id else "",
        "confidence": round(max(0.0, min(1.0, confidence)), 3),
    }
