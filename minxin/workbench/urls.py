from django.urls import path, register_converter

from minxin.workbench.views import (
    auth,
    dashboard,
    duplicates,
    inbox,
    oversight,
    search,
    supervision,
    tickets,
)


class IdConverter:
    """Database ids: digits, short enough that a forged value cannot overflow a query."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "wbid")

app_name = "workbench"
urlpatterns = [
    path("", tickets.home, name="home"),
    path("login/", auth.login_page, name="login"),
    path("login/totp/", auth.login_totp, name="login_totp"),
    path("logout/", auth.logout_view, name="logout"),
    path("password/set/<uidb64>/<token>/", auth.password_set, name="password_set"),
    path("account/totp/", auth.totp_page, name="totp"),
    path("account/totp/start/", auth.totp_start, name="totp_start"),
    path("account/totp/confirm/", auth.totp_confirm, name="totp_confirm"),
    path("account/totp/disable/", auth.totp_disable, name="totp_disable"),
    path("queues/<slug:key>/", tickets.queue, name="queue"),
    path("requests/<wbid:ticket_id>/", tickets.detail, name="detail"),
    path("requests/<wbid:ticket_id>/reveal/", tickets.reveal, name="reveal"),
    # Before the catch-all action route below, which would otherwise claim "supervise".
    path("requests/<wbid:ticket_id>/supervise/", supervision.supervise, name="supervise"),
    path("requests/<wbid:ticket_id>/oversight/share/", oversight.share, name="oversight_share"),
    path(
        "requests/<wbid:ticket_id>/oversight/evaluate/",
        oversight.evaluate,
        name="oversight_evaluate",
    ),
    path("requests/<wbid:ticket_id>/<slug:action_slug>/", tickets.act, name="act"),
    path("bulk/dispatch/", tickets.bulk_dispatch, name="bulk_dispatch"),
    path("duplicates/<wbid:flag_id>/merge/", duplicates.merge, name="duplicate_merge"),
    path("duplicates/<wbid:flag_id>/dismiss/", duplicates.dismiss, name="duplicate_dismiss"),
    path("search/", search.search, name="search"),
    path("search/export.xlsx", search.export, name="export"),
    path("supervision/", supervision.orders, name="orders"),
    path("supervision/<wbid:order_id>/", supervision.order, name="order"),
    path("supervision/<wbid:order_id>/respond/", supervision.respond, name="order_respond"),
    path("supervision/<wbid:order_id>/close/", supervision.close, name="order_close"),
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/read/", inbox.inbox_read, name="inbox_read"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("dashboard/requests/", dashboard.requests_behind, name="dashboard_requests"),
    path("dashboard/export/<slug:key>.xlsx", dashboard.export, name="dashboard_export"),
    path("dashboard/report.pdf", dashboard.monthly_report, name="dashboard_report"),
    path("units/", supervision.units, name="units"),
    path("units/export.xlsx", supervision.units_export, name="units_export"),
    path("units/<wbid:unit_id>/record/", supervision.unit_record, name="unit_record"),
]
