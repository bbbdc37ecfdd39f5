"""The staff forms for guides and notices: a unit chooses among the units it may edit."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from minxin.accounts.models import User
from minxin.org.models import Category, Unit
from minxin.publicinfo.guides import editable_units
from minxin.publicinfo.models import Guide, Notice, PolicyVersion


def choose(form: forms.ModelForm, name: str, queryset: QuerySet[Any]) -> None:
    """Limit a choice field to QUERYSET: a posted value outside it is a form error."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


class GuideForm(forms.ModelForm):
    class Meta:
        model = Guide
        fields = [
            "title",
            "unit",
            "category",
            "summary",
            "materials",
            "steps",
            "fees",
            "time_limit",
            "office",
            "hours",
            "contact",
            "published",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "materials": forms.Textarea(attrs={"rows": 5}),
            "steps": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choose(self, "unit", editable_units(user))
        choose(self, "category", Category.objects.filter(is_active=True))


class NoticeForm(forms.ModelForm):
    class Meta:
        model = Notice
        fields = [
            "kind",
            "title",
            "body",
            "area",
            "unit",
            "district",
            "valid_from",
            "valid_until",
            "published",
        ]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 5}),
            "valid_from": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "valid_until": forms.DateTimeInput(attrs={"type": "datetime-local"}),
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choose(self, "unit", editable_units(user))
        choose(self, "district", Unit.objects.filter(kind=Unit.Kind.DISTRICT))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end <= start:
            self.add_error("valid_until", "结束时间必须晚于开始时间")
        return data


class PolicyForm(forms.ModelForm):
    """One version of a policy explanation; the unit is chosen when it is first written."""

    unit = forms.ModelChoiceField(label="解读单位", queryset=Unit.objects.none())
    published = forms.BooleanField(label="公开", required=False, initial=True)

    class Meta:
        model = PolicyVersion
        fields = ["title", "document", "summary", "body", "effective", "note"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 2}),
            "body": forms.Textarea(attrs={"rows": 12}),
            "effective": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args: Any, user: User, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["unit"]
        else:
            del self.fields["note"]
            choose(self, "unit", editable_units(user))
