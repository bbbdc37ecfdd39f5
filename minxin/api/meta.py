"""Reference data a client needs to build its forms."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from minxin.api.schemas import CategoryOut, TypeOut, UnitOut
from minxin.org.models import Category, RequestType, Unit

router = Router(tags=["reference"])


@router.get("/types", response=list[TypeOut])
def types(request: HttpRequest) -> list[RequestType]:
    return list(RequestType.objects.all())


@router.get("/categories", response=list[CategoryOut])
def categories(request: HttpRequest) -> list[Category]:
    return list(Category.objects.filter(is_active=True))


@router.get("/units", response=list[UnitOut])
def units(request: HttpRequest, kind: str | None = None) -> list[Unit]:
    rows = Unit.objects.filter(is_active=True)
    return list(rows.filter(kind=kind) if kind else rows)
