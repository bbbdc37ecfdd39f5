"""The services Open311 clients may file under: the city's category tree.

Every active category is a service (`service_code` is its id, `group` its top-level
category). Each service definition carries Minxin's attributes; the same table checks what a
client sends (`check_attributes`), so the definition and the check cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from minxin.core.errors import NotFound, ValidationFailed
from minxin.org.models import Category, RequestType, Unit

DEFAULT_REQUEST_TYPE = "help"  # 求助: what a 311 report (a broken lamp, a pothole) usually is
TITLE_LENGTH = 30


@dataclass(frozen=True)
class Chosen:
    """What a client's attributes decided for the request."""

    category: Category
    request_type: str
    district_id: int | None
    title: str


def service_list() -> list[dict]:
    categories = Category.objects.filter(is_active=True).select_related("parent")
    return [_service(c) for c in categories if c.parent is None or c.parent.is_active]


def _service(category: Category) -> dict:
    return {
        "service_code": str(category.pk),
        "service_name": category.name,
        "description": f"{category.top.name}类诉求"
        if category.parent
        else f"{category.name}类诉求",
        "metadata": True,
        "type": "realtime",
        "keywords": ",".join(category.keywords.split()),
        "group": category.top.name,
    }


def service_for_code(code: str) -> Category:
    category = None
    if code.isdigit():
        category = (
            Category.objects.filter(pk=int(code), is_active=True).select_related("parent").first()
        )
    if category is None or (category.parent is not None and not category.parent.is_active):
        raise NotFound(f"服务代码不存在：{code}（unknown service_code）", code="unknown_service")
    return category


def definition(category: Category) -> dict:
    attributes = [
        _attribute(
            "request_type",
            "singlevaluelist",
            f"诉求类型（不填为{_type_name(DEFAULT_REQUEST_TYPE)}）",
            [(t.code, t.name) for t in RequestType.objects.order_by("sort", "pk")],
        ),
        _attribute("title", "string", f"标题，最多100字（不填取描述的前{TITLE_LENGTH}字）"),
        _attribute(
            "district",
            "singlevaluelist",
            "所在区县",
            [
                (str(u.pk), u.name)
                for u in Unit.objects.filter(kind=Unit.Kind.DISTRICT, is_active=True)
            ],
        ),
    ]
    children = _children(category)
    if children:
        attributes.append(
            _attribute(
                "subcategory", "singlevaluelist", "细分类", [(str(c.pk), c.name) for c in children]
            )
        )
    for order, attribute in enumerate(attributes, start=1):
        attribute["order"] = order
    return {"service_code": str(category.pk), "attributes": attributes}


def _attribute(code: str, datatype: str, description: str, values: list | None = None) -> dict:
    return {
        "variable": True,
        "code": code,
        "datatype": datatype,
        "required": False,
        "datatype_description": "",
        "order": 0,
        "description": description,
        "values": [{"key": key, "name": name} for key, name in values or []],
    }


def _children(category: Category) -> list[Category]:
    return list(category.children.filter(is_active=True)) if category.parent is None else []


def _type_name(code: str) -> str:
    found = RequestType.objects.filter(code=code).first()
    return found.name if found else code


def check_attributes(category: Category, attributes: dict[str, str], description: str) -> Chosen:
    """The request's category, type, district and title from the client's attributes."""
    chosen_type = attributes.get("request_type") or DEFAULT_REQUEST_TYPE
    if not RequestType.objects.filter(code=chosen_type).exists():
        raise _bad("request_type", chosen_type)
    district_id = None
    if attributes.get("district"):
        value = attributes["district"]
        if (
            not value.isdigit()
            or not Unit.objects.filter(
                pk=int(value), kind=Unit.Kind.DISTRICT, is_active=True
            ).exists()
        ):
            raise _bad("district", value)
        district_id = int(value)
    if attributes.get("subcategory"):
        value = attributes["subcategory"]
        match = [c for c in _children(category) if str(c.pk) == value]
        if not match:
            raise _bad("subcategory", value)
        category = match[0]
    title = attributes.get("title", "").strip() or _title_from(description)
    return Chosen(category, chosen_type, district_id, title)


def _title_from(description: str) -> str:
    first_line = next((line.strip() for line in description.splitlines() if line.strip()), "")
    return first_line[:TITLE_LENGTH]


def _bad(code: str, value: str) -> ValidationFailed:
    return ValidationFailed(
        f"attribute[{code}] 的取值无效：{value[:50]}", code="invalid_attribute", field=code
    )
