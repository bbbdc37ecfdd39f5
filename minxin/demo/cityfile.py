"""The demo city's file, `minxin/demo/city.xlsx`, built from the readable source in
`minxin.demo.city` by `minxin demo_city_file`. The demo is loaded from the file with
`minxin city import`, so the file documents the format by example."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

from minxin.cityfile.export import book_write
from minxin.cityfile.sheets import SHEETS
from minxin.cityfile.spec import Sheet, Values
from minxin.demo import city

DEMO_FILE = Path(__file__).with_name("city.xlsx")
# The demo's types are the statutory defaults that `migrate` creates, listed in full.
STATUTORY = importlib.import_module("minxin.org.migrations.0005_statutory_request_types")


def _types() -> list[Values]:
    return [
        {
            "code": code,
            "name": name,
            "deadline_days": days,
            "sign_days": sign,
            "review_days": review,
            "callback_days": callback,
            "direct_answer": direct,
            "sort": sort,
        }
        for sort, (code, name, days, sign, review, callback, direct) in enumerate(
            STATUTORY.STATUTORY_TYPES
        )
    ]


def _units() -> list[Values]:
    rows: list[Values] = [{"code": city.CENTRE[1], "name": city.CENTRE[0], "kind": "centre"}]
    rows += [
        {"code": code, "name": name, "kind": "bureau", "parent": parent}
        for name, code, parent in city.BUREAUS
    ]
    rows += [
        {"code": code, "name": name, "kind": "other", "parent": parent}
        for name, code, parent in city.OTHERS
    ]
    for name, code, streets in city.DISTRICTS:
        rows.append({"code": code, "name": name, "kind": "district", "district": code})
        rows += [
            {"code": s_code, "name": s_name, "kind": "street", "parent": code, "district": code}
            for s_name, s_code in streets
        ]
    return rows


def _categories() -> list[Values]:
    rows: list[Values] = []
    for top, (_, children) in city.CATEGORIES.items():
        rows.append({"top": top})
        rows += [
            {"top": top, "name": name, "keywords": keywords}
            for name, (keywords, _, _) in children.items()
        ]
    return rows


def _responsibilities() -> list[Values]:
    districts = [code for _, code, _ in city.DISTRICTS]
    rows: list[Values] = []
    for top, (owner, children) in city.CATEGORIES.items():
        rows.append({"category": top, "unit": owner})
        for name, (_, unit, local) in children.items():
            rows.append({"category": f"{top}/{name}", "unit": unit})
            if local:
                rows += [{"category": f"{top}/{name}", "district": d, "unit": d} for d in districts]
    return rows


def _staff() -> list[Values]:
    named = {unit for _, _, role, unit in city.STAFF if role == "handler"}
    units = [(code, name) for code, name, _ in _unit_names() if code not in named]
    wanted = list(city.STAFF) + [(code, f"{name} 承办人", "handler", code) for code, name in units]
    return [
        {
            "username": username,
            "display_name": display,
            "role": role,
            "unit": unit,
            "mobile": city.DUTY_MOBILES.get(username, ""),
        }
        for username, display, role, unit in wanted
    ]


def _unit_names() -> list[tuple[str, str, str]]:
    return [(u["code"], u["name"], u["kind"]) for u in _units() if u["kind"] != "centre"]


ROWS: dict[str, Callable[[], list[Values]]] = {
    "types": _types,
    "units": _units,
    "categories": _categories,
    "responsibilities": _responsibilities,
    "staff": _staff,
}


def demo_rows(sheet: Sheet) -> list[Values]:
    return ROWS[sheet.key]() if sheet.key in ROWS else []


# The demo's walk switches 单位审核 on for 住建局 (`seed.APPROVING_UNIT`) once it has requests
# to walk; the file leaves the switch alone, so loading it again keeps that.
LEFT_OUT = {"units": {"reply_approval"}}


def demo_file_write(path: Path = DEMO_FILE) -> dict[str, int]:
    return book_write(path, SHEETS, demo_rows, LEFT_OUT)
