"""Category suggestions while a citizen types: the city's model if it has one, else keywords.

A suggestion only helps the citizen pick; staff confirm the category at intake either way,
so any failure of the model means "fall back", never an error on the page.
"""

from __future__ import annotations

import logging

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
    # The citizen sees the best guess and the alternatives worth a look, among those the form
    # offers; a "0 %" option is noise. The unit hint still weighs every guess.
    shown = [
        f
        for n, f in enumerate(found)
        if f["offered"] and (n == 0 or f["confidence"] >= SHOWN_FLOOR)
    ]
    payload: dict = {"source": source, "suggestions": shown, "unit": None}
    if found:
        district_id = int(district) if district.isdigit() and len(district) < 10 else None
        payload["unit"] = likely_unit(text, found, source, district_id)
    return payload


def likely_unit(text: str, found: list[dict], source: str, district_id: int | None) -> dict | None:
    try:
        from minxin.routing.labels import weighted
        from minxin.routing.recommend import Case, knowledge

        case = Case(
            text=text,
            district_id=district_id,
            guesses=weighted((f["id"], f["confidence"], f.get("source", source)) for f in found),
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
    """The classifier's guesses as the city's categories (`routing.labels`). A guess left at
    a first level that has children (no keyword evidence for one) still weighs in the unit
    hint, but is not offered: the form takes a second-level category, and staff classify."""
    try:
        from minxin.routing.labels import model_guesses
        from minxin.routing.recommend import knowledge

        known = knowledge()
        guesses = model_guesses([text], known, k)[0]
    except Exception:  # no model, or a broken one: use the keywords
        log.debug("category model unavailable", exc_info=True)
        return []
    choosable = {c.pk for c in categories}
    return [
        _entry(
            g.category,
            g.confidence,
            offered=g.category.pk in choosable or not known.children.get(g.category.pk),
            source=g.source,
        )
        for g in guesses
    ]


def _from_keywords(text: str, k: int, categories: list[Category]) -> list[dict]:
    """Second-level categories ranked by how many of their keywords the text contains."""
    from minxin.routing.labels import keyword_ranking

    return [_entry(c, share) for c, share in keyword_ranking(text, categories, k)]


def _entry(
    category: Category, confidence: float, *, offered: bool = True, source: str = ""
) -> dict:
    return {
        "id": category.pk,
        "label": str(category),
        "name": category.name,
        "group": category.parent.name if category.parent else "",
        "confidence": round(max(0.0, min(1.0, confidence)), 3),
        "offered": offered,
        **({"source": source} if source else {}),
    }
