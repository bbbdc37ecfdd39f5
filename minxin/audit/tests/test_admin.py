"""Changes made through the admin with AuditedAdminMixin land on the chain; the trail's own
admin pages are read-only."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory

from minxin.accounts.models import User
from minxin.audit.admin import AuditedAdminMixin
from minxin.audit.models import ChainEntry
from minxin.audit.verify import chain_verify

pytestmark = pytest.mark.django_db


class UserAdmin(AuditedAdminMixin, admin.ModelAdmin):
    pass


def test_admin_changes_are_appended_without_values(city, staff):
    model_admin = UserAdmin(User, admin.site)
    request = RequestFactory().post("/admin/")
    request.user = staff["admin"]
    target = staff["zhujian"]
    model_admin.log_change(request, target, [{"changed": {"fields": ["角色"]}}])
    model_admin.log_deletions(request, User.objects.filter(pk=target.pk))
    entries = list(ChainEntry.objects.filter(kind="admin").order_by("seq"))
    assert [e.ref for e in entries] == [f"admin:accounts.user:{target.pk}"] * 2
    assert '"action":"change"' in entries[0].payload
    assert "角色" in entries[0].payload
    assert target.username not in entries[0].payload
    assert chain_verify().ok


def test_the_trail_cannot_be_edited_in_the_admin(client, city, staff):
    client.force_login(staff["admin"])
    staff["admin"].is_staff = staff["admin"].is_superuser = True
    staff["admin"].save()
    assert client.get("/admin/audit/chainentry/add/").status_code == 403
