"""Is the city set up? A fresh install has the request types (a data migration) but no
units: the portal then takes no request it could not route, and both sites say what is
missing and how to add it (docs/city-setup.md)."""

from __future__ import annotations

from minxin.org.models import Category, RequestType, Responsibility, Unit

SETUP_HINT = (
    "可在管理后台逐项录入，或用 minxin city import 文件.xlsx --commit 从表格导入"
    "（见 docs/city-setup.md）。"
)


def missing_setup() -> list[str]:
    """What the city still has to set up, in the order it is needed, in plain Chinese."""
    missing = []
    if not RequestType.objects.exists():
        missing.append("诉求类型（投诉、咨询、建议、求助、举报及其办理时限）")
    if not Unit.objects.filter(is_active=True).exists():
        missing.append("单位（受理中心、市直部门、区县、街道）")
    if not Category.objects.filter(is_active=True).exists():
        missing.append("诉求分类（两级）")
    if not Responsibility.objects.exists():
        missing.append("职责归属（哪个单位办理哪一类诉求）")
    return missing


def can_take_requests() -> bool:
    """A request needs a type to be filed and a unit to be sent to."""
    return RequestType.objects.exists() and Unit.objects.filter(is_active=True).exists()
