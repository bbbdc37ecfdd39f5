"""The open-data release: made by the command and the daily task, downloaded over HTTP."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import urllib.error
import urllib.request

import pytest
from django.core.management import call_command
from django.utils import timezone

from minxin.cityevents.signing import sm3_hex
from minxin.core import clock
from minxin.opendata.exchange import canonical
from minxin.opendata.records import FIELDS
from minxin.opendata.tasks import opendata_daily
from minxin.org.models import Category
from minxin.publicinfo.tests.helpers import CONTENT, closed_ticket
from minxin.tickets.actors import Actor
from minxin.tickets.submission import Submission, ticket_submit

MONDAY = timezone.make_aware(dt.datetime(2026, 11, 2, 10))
PHONE = "13812345678"


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=20) as response:  # noqa: S310 - loopback
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def lone(city: dict, category: str, district: str, title: str) -> None:
    data = Submission(
        request_type="complaint",
        title=title,
        content=CONTENT,
        category_id=Category.objects.get(name=category).pk,
        district_id=city["units"][district].pk,
        address="文化路12号3栋2单元501室",
        anonymous=False,
        name="张伟",
    )
    ticket_submit(data=data, actor=Actor.citizen(PHONE))


@pytest.fixture
def published(live_server, transactional_db, city, staff, settings, tmp_path) -> str:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    clock.freeze(MONDAY)
    for _ in range(5):
        closed_ticket(city, staff, title=f"张伟反映电话{PHONE}小区电梯故障")
    lone(city, "房屋质量", "shenhe", "新房墙面开裂")  # rare second level, common first
    lone(city, "工资拖欠", "hunnan", "工地拖欠工资")  # rare first level too
    clock.freeze(None)
    call_command("opendata", "--date", "2026-11-10")
    return live_server.url


def test_the_release_is_downloadable_and_each_file_matches_its_checksum(published: str) -> None:
    status, body = get(published + "/open-data/")
    assert status == 200
    manifest = json.loads(body)
    assert (manifest["as_of"], manifest["records"]) == ("2026-11-10", 7)
    for name, entry in manifest["files"].items():
        status, data = get(entry["url"])
        assert status == 200, name
        assert (len(data), sm3_hex(data)) == (entry["bytes"], entry["sm3"])
    assert get(published + "/open-data/secrets.txt")[0] == 404


def test_the_records_hold_no_personal_data_and_small_cells_are_generalised(published: str) -> None:
    csv_bytes = get(published + "/open-data/requests.csv")[1]
    json_bytes = get(published + "/open-data/requests.json")[1]
    for raw in (csv_bytes.decode("utf-8-sig"), json_bytes.decode()):
        for private in (PHONE, "张伟", "文化路", "烧烤店", "经和平区城管", "已责令"):
            assert private not in raw
    rows = list(csv.DictReader(io.StringIO(csv_bytes.decode("utf-8-sig"))))
    assert list(rows[0]) == FIELDS
    records = json.loads(json_bytes)["records"]
    assert [r["record_id"] for r in records] == [r["record_id"] for r in rows]
    common = [r for r in records if r["generalised"] == 0]
    assert len(common) == 5
    assert {(r["category"], r["district"], r["status"], r["satisfaction"]) for r in common} == {
        ("物业管理", "和平区", "closed", "satisfied")
    }
    assert {r["title"] for r in common} == {"张某反映电话【电话】小区电梯故障"}
    assert all(r["on_time"] is True and r["submitted_week"] == "2026-11-02" for r in common)
    by_level = {r["generalised"]: r for r in records if r["generalised"]}
    assert (by_level[1]["category_l1"], by_level[1]["category"], by_level[1]["district"]) == (
        "城乡建设",
        "",
        "",
    )
    assert by_level[1]["title"] == "新房墙面开裂"
    assert (by_level[2]["category_l1"], by_level[2]["title"]) == ("", "")


def test_the_exchange_file_counts_cells_withholds_small_ones_and_checks_out(
    published: str,
) -> None:
    exchange = json.loads(get(published + "/open-data/exchange.json")[1])
    assert exchange["format"] == "minxin-exchange/1"
    assert exchange["checksum"]["value"] == sm3_hex(canonical(exchange["cells"]))
    cells = {(c["category"], c["district_code"]): c for c in exchange["cells"]}
    assert cells[("物业管理", "heping")] | {"suppressed": False} == {
        "week": "2026-11-02",
        "category_l1": "城乡建设",
        "category": "物业管理",
        "district_code": "heping",
        "district": "和平区",
        "suppressed": False,
        "submitted": 5,
        "closed": 5,
        "closed_on_time": 5,
        "rated": 5,
        "satisfied": 5,
    }
    assert cells[("工资拖欠", "hunnan")]["suppressed"] is True
    assert cells[("工资拖欠", "hunnan")]["submitted"] is None
    exchange["cells"][0]["submitted"] = 99  # a loader sees a changed file
    assert exchange["checksum"]["value"] != sm3_hex(canonical(exchange["cells"]))


def test_nothing_published_yet_is_a_clear_404_and_the_daily_task_publishes(
    live_server,
    transactional_db,
    city,
    settings,
    tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    status, body = get(live_server.url + "/open-data/")
    assert (status, json.loads(body)["error"]["code"]) == (404, "not_published")
    assert get(live_server.url + "/open-data/requests.csv")[0] == 404
    opendata_daily.call_local()
    manifest = json.loads(get(live_server.url + "/open-data/")[1])
    assert manifest["as_of"] == clock.today().isoformat()
    assert manifest["records"] == 0
