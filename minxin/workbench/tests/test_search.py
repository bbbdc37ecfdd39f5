"""Search filters, scope, paging, and the Excel export."""

from __future__ import annotations

import datetime as dt
import zipfile
from io import BytesIO

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from minxin.core import clock
from minxin.tickets import services as svc
from minxin.tickets.models import Status
from minxin.tickets.tests.helpers import as_staff, submit, to_signed
from minxin.workbench import search as search_module
from minxin.workbench.tests.helpers import as_user, new_ticket


def results(client, **params) -> str:
    response = client.get("/staff/search/", params)
    assert response.status_code == 200, response.content.decode()
    return response.content.decode()


def test_filters(client, city, staff):
    lift = new_ticket(city, title="电梯故障")
    noise, _ = submit(city, kind="consultation", phone="13800003333", title="噪音咨询")
    signed = to_signed(new_ticket(city, title="路灯不亮"), staff)
    as_user(client, staff["intake"])
    assert lift.display_code in results(client, code=lift.display_code)
    assert noise.display_code not in results(client, code=lift.tracking_code.lower())
    page = results(client, q="噪音")
    assert noise.display_code in page
    assert lift.display_code not in page
    page = results(client, status=["signed"])
    assert signed.display_code in page
    assert lift.display_code not in page
    page = results(client, type="consultation")
    assert noise.display_code in page
    assert lift.display_code not in page
    page = results(client, unit=staff["zhujian"].unit_id)
    assert signed.display_code in page
    assert lift.display_code not in page
    page = results(client, category=city["category"].parent_id, district=city["units"]["heping"].pk)
    assert lift.display_code in page


def test_date_range_and_overdue(client, city, staff):
    old = to_signed(new_ticket(city, title="旧诉求"), staff)
    clock.freeze(clock.now() + dt.timedelta(days=40))
    new = new_ticket(city, title="新诉求")
    as_user(client, staff["intake"])
    today = clock.today().isoformat()
    page = results(client, date_from=today, date_to=today)
    assert new.display_code in page
    assert old.display_code not in page
    page = results(client, overdue="on")
    assert old.display_code in page
    assert new.display_code not in page


def test_bad_dates_are_form_errors(client, city, staff):
    response = as_user(client, staff["intake"]).get(
        "/staff/search/", {"date_from": "2026-05-02", "date_to": "2026-05-01"}
    )
    assert response.status_code == 400
    assert "结束日期不能早于开始日期" in response.content.decode()


def test_search_is_scoped_to_the_reader(client, city, staff):
    mine = to_signed(new_ticket(city, title="住建的"), staff)
    theirs = to_signed(new_ticket(city, title="人社的"), staff, unit="renshe")
    page = results(as_user(client, staff["zhujian"]), q="的")
    assert mine.display_code in page
    assert theirs.display_code not in page


def test_paging(client, city, staff, monkeypatch):
    monkeypatch.setattr(search_module, "PAGE_SIZE", 2)
    tickets = [new_ticket(city, title=f"诉求{i}") for i in range(5)]
    as_user(client, staff["intake"])
    first, third = results(client, q="诉求"), results(client, q="诉求", page=3)
    assert tickets[4].display_code in first
    assert tickets[0].display_code not in first
    assert tickets[0].display_code in third
    assert "下一页" not in third
    assert "上一页" in third
    assert "共5件" in first


def test_export_is_an_excel_file_of_the_filtered_list(client, city, staff):
    lift = new_ticket(city, title='=HYPERLINK("http://x")电梯')
    other = new_ticket(city, title="无关诉求")
    svc.ticket_accept(ticket_id=other.pk, actor=as_staff(staff["intake"]))
    response = as_user(client, staff["intake"]).get(
        "/staff/search/export.xlsx", {"status": "submitted"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "查询码"
    assert [r[0] for r in rows[1:]] == [lift.display_code]
    assert rows[1][3] == Status(lift.status).label
    # Dates are Excel dates in the city's local time (Excel has no time zones).
    submitted_at = timezone.localtime(lift.created_at).replace(tzinfo=None)
    assert abs((rows[1][8] - submitted_at).total_seconds()) < 1
    assert rows[1][1].startswith("=HYPERLINK")  # kept as text
    assert sheet.cell(row=2, column=2).data_type == "s"
    assert "13800001111" not in str(rows)  # no personal data in exports


def test_export_is_bounded(client, city, staff, monkeypatch):
    from minxin.workbench import export

    monkeypatch.setattr(export, "MAX_ROWS", 2)
    for i in range(3):
        new_ticket(city, title=f"诉求{i}")
    response = as_user(client, staff["intake"]).get("/staff/search/export.xlsx")
    rows = list(
        load_workbook(BytesIO(b"".join(response.streaming_content))).active.iter_rows(
            values_only=True
        )
    )
    assert len(rows) == 1 + 2 + 1  # the header, two requests, and the line saying so
    assert rows[-1][0] == export.TRUNCATED


def test_export_streams_its_first_bytes_before_reading_the_rows(client, city, staff, monkeypatch):
    from minxin.workbench import export

    monkeypatch.setattr(export, "ROWS_PER_CHUNK", 1)
    titles = ["电梯\x0b故障", "噪音扰民", "路灯不亮"]  # a control character XML cannot carry
    for title in titles:
        new_ticket(city, title=title)
    response = as_user(client, staff["intake"]).get("/staff/search/export.xlsx")
    chunks = iter(response.streaming_content)
    with CaptureQueriesContext(connection) as queries:
        first = next(chunks)
    assert first.startswith(b"PK")
    assert not queries
    rest = list(chunks)
    assert len(rest) > len(titles)  # a chunk per row here, then the end of the file
    body = first + b"".join(rest)
    assert zipfile.ZipFile(BytesIO(body)).testzip() is None
    rows = list(load_workbook(BytesIO(body)).active.iter_rows(values_only=True))
    assert sorted(r[1] for r in rows[1:]) == sorted(["电梯故障", "噪音扰民", "路灯不亮"])
