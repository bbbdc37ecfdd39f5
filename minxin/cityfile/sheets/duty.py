"""Who owns what (the responsibility table), the per-category time limits, and what the
classifier's labels mean in the category tree."""

from __future__ import annotations

from collections.abc import Iterator

from minxin.cityfile.book import Book
from minxin.cityfile.spec import Column, Key, Problem, Row, Sheet, Values
from minxin.nlp.models import DEFAULT_NAME
from minxin.org.models import Category, DeadlineOverride, Responsibility, Unit
from minxin.routing.models import LabelMapping

CATEGORY = Column(
    "category", "分类", required=True, help="“一级”或“一级/二级”，如 城乡建设/物业管理"
)


def category_ids() -> dict[str, int]:
    """Category path -> id, for the rows a sheet is about to write."""
    return {
        f"{parent}/{name}" if parent else name: pk
        for pk, name, parent in Category.objects.values_list("id", "name", "parent__name")
    }


def _unknown_category(sheet: Sheet, book: Book, row: Row) -> Iterator[Problem]:
    if row.get("category") not in book.categories:
        yield sheet.problem(row, f"分类“{row.get('category')}”不存在", "category")


class Responsibilities(Sheet):
    key = "responsibilities"
    title = "职责归属"
    about = "哪个单位办理哪一类诉求；填了区县的行只在该区县内适用，留空为全市"
    columns = (
        CATEGORY,
        Column("district", "区县编码", help="空：全市"),
        Column("unit", "责任单位编码", required=True),
    )
    key_columns = ("category", "district", "unit")

    def current(self) -> dict[Key, Values]:
        rows = Responsibility.objects.order_by("category__parent_id", "category_id", "id")
        out = {}
        for category, parent, district, unit in rows.values_list(
            "category__name", "category__parent__name", "district__code", "unit__code"
        ):
            path = f"{parent}/{category}" if parent else category
            out[(path, district, unit)] = {"category": path, "district": district, "unit": unit}
        return out

    def check(self, book: Book) -> Iterator[Problem]:
        for row in self.rows:
            yield from _unknown_category(self, book, row)
            if row.get("unit") not in book.units:
                yield self.problem(row, f"单位“{row.get('unit')}”不存在", "unit")
            district = row.get("district")
            if district and getattr(book.units.get(district), "kind", None) != "district":
                yield self.problem(row, f"“{district}”不是类型为区县的单位", "district")

    def write(self, new: list[Row], changed: list[Row], book: Book) -> None:
        categories = category_ids()
        units = dict(Unit.objects.values_list("code", "id"))
        Responsibility.objects.bulk_create(
            [
                Responsibility(
                    category_id=categories[r.get("category")],
                    district_id=units.get(r.get("district")),
                    unit_id=units[r.get("unit")],
                )
                for r in new
            ],
            batch_size=1000,
        )


LIMITS = (
    ("deadline_days", "办结时限（工作日）"),
    ("accept_hours", "受理时限（工作小时）"),
    ("dispatch_hours", "派遣时限（工作小时）"),
    ("sign_hours", "签收时限（工作小时）"),
    ("sign_days", "签收时限（工作日）"),
    ("review_days", "审核时限（工作日）"),
    ("callback_days", "评价/回访时限（工作日）"),
    ("co_days", "协办时限（工作日）"),
)


class TimeLimits(Sheet):
    key = "time_limits"
    title = "分类时限"
    about = "某类诉求的时限与诉求类型的默认值不同时填写；留空的时限沿用诉求类型的"
    columns = (
        Column("type", "诉求类型", required=True, help="编码或名称，如 投诉"),
        CATEGORY,
        *(Column(key, title, "int") for key, title in LIMITS),
    )
    key_columns = ("type", "category")

    def key_of(self, values: Values) -> Key:
        return (values.get("type"), values.get("category"))

    def current(self) -> dict[Key, Values]:
        rows = DeadlineOverride.objects.order_by("category_id", "request_type__sort", "id")
        out = {}
        for r in rows.values(
            "request_type__code", "category__name", "category__parent__name", *dict(LIMITS)
        ):
            parent, name = r.pop("category__parent__name"), r.pop("category__name")
            path = f"{parent}/{name}" if parent else name
            values = {"type": r.pop("request_type__code"), "category": path, **r}
            out[(values["type"], path)] = values
        return out

    def check(self, book: Book) -> Iterator[Problem]:
        for row in self.rows:
            yield from _unknown_category(self, book, row)
            if row.get("type") not in book.request_types:
                yield self.problem(row, f"诉求类型“{row.get('type')}”不存在", "type")
            else:  # a type given by its name is stored and compared by its code
                row.values["type"] = book.request_types[row.get("type")]

    def write(self, new: list[Row], changed: list[Row], book: Book) -> None:
        from minxin.org.models import RequestType

        categories = category_ids()
        types = dict(RequestType.objects.values_list("code", "id"))
        limits = dict(LIMITS)
        DeadlineOverride.objects.bulk_create(
            [
                DeadlineOverride(
                    request_type_id=types[r.get("type")],
                    category_id=categories[r.get("category")],
                    **{k: v for k, v in r.values.items() if k in limits},
                )
                for r in new
            ]
        )
        for row in changed:
            DeadlineOverride.objects.filter(
                request_type_id=types[row.get("type")], category_id=categories[row.get("category")]
            ).update(**{k: v for k, v in row.values.items() if k in limits})


class LabelMappings(Sheet):
    key = "label_mappings"
    title = "模型标签映射"
    about = "分类模型的标签对应本市哪个分类；没有写的标签对应同名分类（一级分类名或“一级/二级”）"
    columns = (
        Column("label", "模型标签", required=True, help="分类模型给出的标签，如 环境保护"),
        CATEGORY,
    )
    key_columns = ("label",)

    def current(self) -> dict[Key, Values]:
        rows = LabelMapping.objects.filter(model_name=DEFAULT_NAME).select_related(
            "category__parent"
        )
        return {
            (m.label,): {"label": m.label, "category": str(m.category)}
            for m in rows.order_by("label")
        }

    def check(self, book: Book) -> Iterator[Problem]:
        for row in self.rows:
            if len(row.get("label")) > 100:
                yield self.problem(row, "模型标签最长 100 个字", "label")
            yield from _unknown_category(self, book, row)

    def write(self, new: list[Row], changed: list[Row], book: Book) -> None:
        categories = category_ids()
        LabelMapping.objects.bulk_create(
            [
                LabelMapping(label=r.get("label"), category_id=categories[r.get("category")])
                for r in new
            ]
        )
        for r in changed:
            LabelMapping.objects.filter(model_name=DEFAULT_NAME, label=r.get("label")).update(
                category_id=categories[r.get("category")]
            )
