"""The request a staff page receives: behind `login_required` the user is a staff account.

Annotate a staff view's request as `StaffRequest` and guard it with `login_required`
(typed to hand the view back unchanged), so `request.user` is a `User`, not
`User | AnonymousUser`, without a cast in each view."""

from __future__ import annotations

from django.http import HttpRequest

from minxin.accounts.models import User


class StaffRequest(HttpRequest):
    user: User
