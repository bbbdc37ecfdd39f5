"""智能预判 shows other platforms' official replies to anyone typing: never a name or a
phone number in them (the rules of publicinfo.redact)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from minxin.similar import hooks
from minxin.similar.services import public_cases_import, similar_cases

pytestmark = pytest.mark.django_db

REPLY = "经核实，和平区城管执法中队已责令烧烤店整改。联系人：邹军建，电话13912345678，欢迎监督。"
CASE = {
    "id": "1",
    "title": "楼下烧烤店油烟噪音扰民",
    "text": "楼下烧烤店每晚油烟噪音扰民到凌晨，我叫张伟，电话13812345678。",
    "date": "2023-03-01 10:00:00",
    "reply": REPLY,
    "reply_date": "2023-03-12 09:30:00",
}


@pytest.fixture(autouse=True)
def own_index_dir(settings, tmp_path):
    settings.SIMILAR_INDEX_DIR = str(tmp_path)


def test_the_submit_page_shows_the_reply_without_the_officials_name_and_line(client):
    public_cases_import(rows=[CASE], source="test")
    shown = client.get("/submit/similar", {"q": "烧烤店油烟噪音扰民"}).json()
    assert shown, "the case should be found"
    reply = shown[0]["reply"]
    assert reply.startswith("经核实，和平区城管执法中队已责令烧烤店整改")
    assert "邹军建" not in reply
    assert "邹某" in reply
    assert "13912345678" not in reply


def test_the_public_api_shows_no_name_or_phone_in_any_text(client):
    public_cases_import(rows=[CASE], source="test")
    found = client.get("/api/v1/similar-cases", {"q": "烧烤店油烟噪音扰民"}).json()
    assert found
    texts = " ".join(found[0][key] for key in ("title", "excerpt", "reply_excerpt"))
    for personal in ("邹军建", "13912345678", "张伟", "13812345678"):
        assert personal not in texts


def test_without_redaction_rules_nothing_is_shown_raw(client, monkeypatch):
    public_cases_import(rows=[CASE], source="test")
    monkeypatch.setattr(hooks.redacted, "function", None)
    with pytest.raises(ImproperlyConfigured):
        similar_cases("烧烤店油烟噪音扰民", k=1)
    assert client.get("/submit/similar", {"q": "烧烤店油烟噪音扰民"}).json() == []
