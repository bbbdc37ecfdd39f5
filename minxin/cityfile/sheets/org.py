"""The organisation sheets: request types, the unit tree, the two-level category tree."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from minxin.cityfile.book import Book
from minxin.cityfile.spec import Column, Key, Problem, Row, Sheet, Values
from minxin.org.models import Category, RequestType, Unit
from minxin.org.tree import unit_paths_rebuild

CODE = re.compile(r"^[-a-zA-Z0-9_]{1,40}$")
ACTIVE = Column("active", "启用", "bool", default=True)
BATCH = 1000


def _bad_code(sheet: Sheet, row: Row) -> Iterator[Problem]:
    if not CODE.match(row.get("code")):
        yield sheet.problem(row, "编码只能用字母、数字、- 和 _，最长 40 个字符", "code")


def _unchanged_name(sheet: Sheet, book: Book, taken: dict[str, str]) -> Iterator[Problem]:
    """Names are unique: none may be used twice, in the file or by another row in the database
    that the file does not rename."""
    renamed = {r.get("code") for r in sheet.rows if "name" in r.values}
    owners = {name: code for name, code in taken.items() if code not in renamed}
    for row in sheet.rows:
        name, code = row.get("name"), row.get("code")
        if owners.setdefault(name, code) != code:
            yield sheet.problem(row, f"名称“{name}”已被“{owners[name]}”使用", "name")


class RequestTypes(Sheet):
    key = "types"
    title = "诉求类型"
    about = "诉求类型及其默认时限；受理、派遣按工作小时，其余按工作日（docs/deadlines.md）"
    columns = (
        Column("code", "编码", required=True, help="如 complaint"),
        Column("name", "名称", required=True, help="如 投诉"),
        Column("deadline_days", "办结时限（工作日）", "int", default=15),
        Column("accept_hours", "受理时限（工作小时）", "int", default=4),
        Column("dispatch_hours", "派遣时限（工作小时）", "int", default=4),
        Column("sign_days", "签收时限（工作日）", "int", default=1),
        Column("review_days", "审核时限（工作日）", "int", default=1),
        Column("callback_days", "评价/回访时限（工作日）", "int", default=5),
        Column("co_days", "协办时限（工作日）", "int", help="空：主办期限前 2 个工作日"),
        Column("direct_answer", "可直接答复", "bool", default=False),
        Column("sort", "排序", "int", default=0),
    )
    key_columns = ("code",)
    FIELDS = {c.key: c.key for c in columns}

    def current(self) -> dict[Key, Values]:
        rows = RequestType.objects.values(*self.FIELDS)
        return {(r["code"],): r for r in rows}

    def check(self, book: Book) -> Iterator[Problem]:
        for row in self.rows:
            yield from _bad_code(self, row)
        yield from _unchanged_name(
            self, book, dict(RequestType.objects.values_list("name", "code"))
        )

    def write(self, new: list[Row], changed: list[Row], book: Book) -> None:
        RequestType.objects.bulk_create([RequestType(**r.values) for r in new])
        by_code = RequestType.objects.in_bulk([r.get("code") for r in changed], field_name="code")
        _update(by_code, changed, "code", {k: k for k in self.FIELDS if k != "code"})


class Units(Sheet):
    key = "units"
    title = "单位"
    about = "单位树：上级单位填上级的编码；区县由上级链推出，填写时须与之一致"
    columns = (
        Column("code", "编码", required=True, help="字母、数字、- 和 _，如 heping"),
        Column("name", "名称", required=True),
        Column("kind", "类型", required=True, choices=tuple(Unit.Kind.choices)),
        Column("parent", "上级单位编码"),
        Column("district", "所在区县编码", stored=False, help="只作核对，不保存"),
        ACTIVE,
        Column("reply_approval", "答复须经单位负责人审核", "bool", default=False),
    )
    key_columns = ("code",)
    FIELDS = {"name": "name", "kind": "kind", "active": "is_active"}
    FIELDS |= {"reply_approval": "reply_approval"}

    def current(self) -> dict[Key, Values]:
        units = sorted(
            Unit.objects.values(
                "id", "code", "name", "kind", "parent__code", "is_active", "reply_approval", "path"
            ),
            key=lambda u: [int(i) for i in u["path"].strip("/").split("/") if i],
        )  # parents before children, siblings in the order they were made
        by_id = {u["id"]: u for u in units}
        out = {}
        for u in units:
            ids = [int(i) for i in u["path"].strip("/").split("/") if i]
            up = [by_id[i] for i in reversed(ids) if i in by_id]
            district = next((a["code"] for a in up if a["kind"] == Unit.Kind.DISTRICT), None)
            out[(u["code"],)] = {
                "code": u["code"],
                "name": u["name"],
                "kind": u["kind"],
                "parent": u["parent__code"],
                "district": district,
                "active": u["is_active"],
                "reply_approval": u["reply_approval"],
            }
        return out

    def check(self, book: Book) -> Iterator[Problem]:
        for row in self.rows:
            yield from _bad_code(self, row)
            parent = row.get("parent")
            if parent and parent not in book.units:
                yield self.problem(
                    row, f"上级单位“{parent}”不存在（本表和数据库中都没有）", "parent"
                )
            elif cycle := _cycle(book, row.get("code")):
                yield self.problem(row, f"上级单位形成循环：{' → '.join(cycle)}", "parent")
            elif row.get("district") and row.get("district") != book.district_of(row.get("code")):
                found = book.district_of(row.get("code")) or "无（不在任何区县之下）"
                yield self.problem(row, f"与上级链推出的区县不一致：{found}", "district")
        yield from _unchanged_name(self, book, dict(Unit.objects.values_list("name", "code")))

    def write(self, new: list[Row], changed: list[Row], book: Book) -> None:
        Unit.objects.bulk_create([_unit(r) for r in new], batch_size=BATCH)
        by_code = Unit.objects.in_bulk([r.get("code") for r in changed], field_name="code")
        _update(by_code, changed, "code", self.FIELDS)
        # Parents by one UPDATE per parent, not a CASE over thousands of rows.
        moved = defaultdict(list)
        for row in new + changed:
            if "parent" in row.values:
                moved[row.get("parent")].append(row.get("code"))
        ids = dict(Unit.objects.filter(code__in=list(moved)).values_list("code", "id"))
        for parent, codes in moved.items():
            for start in range(0, len(codes), BATCH):
                Unit.objects.filter(code__in=codes[start : start + BATCH]).update(
                    parent_id=ids.get(parent)
                )
        unit_paths_rebuild()


def _unit(row: Row) -> Unit:
    return Unit(
        code=row.get("code"),
        name=row.get("name"),
        kind=row.get("kind"),
        is_active=row.values.get("active", True),
        reply_approval=row.values.get("reply_approval", False),
    )


def _cycle(book: Book, start: str) -> list[str]:
    chain, current = [start], book.units[start].parent
    while current and current in book.units:
        if current == start:
            return [*chain, start]
        if current in chain:
            return []  # a loop above this unit: reported on its own rows
        chain.append(current)
        current = book.units[current].parent
    return []


class Categories(Sheet):
    key = "categories"
    title = "诉求分类"
    about = "两级分类：一级分类单独占一行（二级分类留空），二级分类写在其一级分类之下"
    columns = (
        Column("top", "一级分类", required=True),
        Column("name", "二级分类", help="空：这一行是一级分类本身"),
        Column("keywords", "关键词", default="", help="空格分隔，用于规则建议"),
        ACTIVE,
    )
    key_columns = ("top", "name")
    FIELDS = {"keywords": "keywords", "active": "is_active"}

    def current(self) -> dict[Key, Values]:
        rows = Category.objects.order_by("id").values(
            "name", "parent__name", "parent_id", "id", "keywords", "is_active"
        )
        tops = [r for r in rows if r["parent_id"] is None]
        out = {}
        for top in tops:
            family = [top] + [r for r in rows if r["parent_id"] == top["id"]]
            for r in family:
                name = r["name"] if r["parent_id"] else None
                out[(top["name"], name)] = {
                    "top": top["name"],
                    "name": name,
                    "keywords": r["keywords"],
                    "active": r["is_active"],
                }
        return out

    def check(self, book: Book) -> Iterator[Problem]:
        for row in self.rows:
            for column in ("top", "name"):
                name = row.get(column) or ""
                if "/" in name or len(name) > 50:
                    yield self.problem(row, "分类名称不能含“/”，最长 50 个字", column)
            if row.get("name") and row.get("top") not in book.categories:
                yield self.problem(row, f"一级分类“{row.get('top')}”不存在，请先单列一行", "top")

    def write(self, new: list[Row], changed: list[Row], book: Book) -> None:
        tops = [r for r in new if not r.get("name")]
        Category.objects.bulk_create([_category(r, None) for r in tops])
        ids = dict(Category.objects.filter(parent=None).values_list("name", "id"))
        Category.objects.bulk_create(
            [_category(r, ids[r.get("top")]) for r in new if r.get("name")], batch_size=BATCH
        )
        objects = {
            (c.parent.name, c.name) if c.parent else (c.name, None): c
            for c in Category.objects.select_related("parent")
        }
        _update(objects, changed, ("top", "name"), self.FIELDS)


def _category(row: Row, parent_id: int | None) -> Category:
    return Category(
        name=row.get("name") or row.get("top"),
        parent_id=parent_id,
        keywords=row.values.get("keywords") or "",
        is_active=row.values.get("active", True),
    )


def _update(
    objects: dict[Any, Any],
    rows: list[Row],
    key: str | tuple[str, ...],
    fields: dict[str, str],
    touched: set[str] | None = None,
) -> None:
    """Copy the file's columns onto the objects (only those the file has) and save in bulk;
    `touched` names attributes the caller has already set."""
    touched = set(touched or ())
    dirty = []
    for row in rows:
        lookup = tuple(row.get(k) for k in key) if isinstance(key, tuple) else row.get(key)
        obj = objects[lookup]
        for column, attribute in fields.items():
            if column in row.values:
                setattr(obj, attribute, row.values[column])
                touched.add(attribute)
        dirty.append(obj)
    if touched and dirty:
        type(dirty[0]).objects.bulk_update(dirty, sorted(touched), batch_size=BATCH)
