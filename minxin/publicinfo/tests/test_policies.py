"""政策直通车: unit heads publish versioned explanations with checked attachments; citizens ask,
staff moderate; the public reads the current version and finds it in the one search."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from minxin.publicinfo import search
from minxin.publicinfo.models import Policy, PolicyAttachment, PolicyQuestion, PolicyVersion

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, "PNG")
    return out.getvalue()


def office(part: str, extra: str = "") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<doc/>")
        if extra:
            archive.writestr(extra, "x")
    return out.getvalue()


def form(unit_id: int | None = None, **extra: object) -> dict[str, object]:
    data: dict[str, object] = {
        "title": "公积金提取新规",
        "document": "市住建发〔2026〕12号",
        "summary": "租房提取公积金不再需要租赁备案证明",
        "body": "从明年1月起，无房职工租房提取住房公积金，只需本人身份证和银行卡。",
        "published": "on",
        **extra,
    }
    if unit_id is not None:
        data["unit"] = unit_id
    return data


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.fixture
def policy(client, staff) -> Policy:
    client.force_login(staff["zhujian_head"])
    data = form(staff["zhujian_head"].unit_id, attachments=[upload("原文.pdf", PDF)])
    response = client.post("/staff/public/policies/new/", data)
    assert response.status_code == 302, response.content.decode()
    client.logout()
    return Policy.objects.get()


def test_a_unit_head_publishes_a_policy_with_its_attachment(client, policy):
    assert policy.current.number == 1
    attachment = policy.current.attachments.get()
    assert attachment.content_type == "application/pdf"
    page = client.get(f"/policies/{policy.pk}/").content.decode()
    assert "公积金提取新规" in page
    assert "原文.pdf" in page
    file = client.get(f"/policies/{policy.pk}/files/{attachment.pk}/")
    assert file.status_code == 200
    assert b"".join(file.streaming_content).startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("原文.pdf", b"MZ\x90\x00 this is a program"),
        ("照片.png", PDF),
        ("表格.xlsx", office("word/document.xml")),
        ("说明.docx", office("word/document.xml", extra="word/vbaProject.bin")),
        ("说明.docx", b"PK\x03\x04 not really a zip"),
        ("程序.exe", PDF),
    ],
)
def test_an_attachment_that_is_not_what_it_claims_is_refused_and_nothing_changes(
    client, staff, name, data
):
    client.force_login(staff["zhujian_head"])
    response = client.post(
        "/staff/public/policies/new/",
        form(
            staff["zhujian_head"].unit_id, attachments=[upload("好的.pdf", PDF), upload(name, data)]
        ),
    )
    assert response.status_code == 422
    assert name in response.content.decode()
    assert not Policy.objects.exists()
    assert not PolicyAttachment.objects.exists()
    assert not search.search("公积金")


def test_images_and_office_files_are_accepted(client, staff):
    client.force_login(staff["zhujian_head"])
    files = [
        upload("流程图.png", png()),
        upload("说明.docx", office("word/document.xml")),
        upload("标准.xlsx", office("xl/workbook.xml")),
    ]
    response = client.post(
        "/staff/public/policies/new/", form(staff["zhujian_head"].unit_id, attachments=files)
    )
    assert response.status_code == 302
    kinds = sorted(PolicyAttachment.objects.values_list("content_type", flat=True))
    assert kinds[0] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "image/png" in kinds


def test_a_handler_may_not_publish_and_another_unit_may_not_edit(client, staff, policy):
    client.force_login(staff["zhujian"])
    assert client.get("/staff/public/policies/new/").status_code == 403
    refused = client.post(f"/staff/public/policies/{policy.pk}/", form(version="1", title="改"))
    assert refused.status_code == 403
    client.force_login(staff["heping_head"])
    assert client.get(f"/staff/public/policies/{policy.pk}/").status_code == 404
    forged = client.post("/staff/public/policies/new/", form(staff["zhujian"].unit_id))
    assert forged.status_code == 422
    assert PolicyVersion.objects.count() == 1


def test_each_edit_is_a_new_version_and_the_public_sees_the_current_one(client, staff, policy):
    client.force_login(staff["zhujian_head"])
    old = policy.current.attachments.get()
    edited = form(version="1", body="改为：只需身份证。", note="简化材料")
    response = client.post(f"/staff/public/policies/{policy.pk}/", edited)  # drops the PDF
    assert response.status_code == 302
    policy.refresh_from_db()
    assert list(policy.versions.values_list("number", flat=True)) == [2, 1]
    assert policy.versions.get(number=1).body.startswith("从明年1月起")
    page = client.get(f"/policies/{policy.pk}/").content.decode()
    assert "改为：只需身份证。" in page
    assert "从明年1月起" not in page
    assert client.get(f"/policies/{policy.pk}/files/{old.pk}/").status_code == 404
    history = client.get(f"/staff/public/policies/{policy.pk}/v/1/").content.decode()
    assert "从明年1月起" in history
    stale = client.post(f"/staff/public/policies/{policy.pk}/", form(version="1", title="旧"))
    assert stale.status_code == 409
    assert policy.versions.count() == 2


def test_the_policy_is_in_the_one_search_until_unpublished(client, staff, policy):
    hits = search.search("公积金 租房")
    assert [(h.entry.kind, h.entry.url) for h in hits] == [("policy", f"/policies/{policy.pk}/")]
    assert "公积金提取新规" in client.get("/search/?q=公积金").content.decode()
    assert "公积金提取新规" in client.get("/policies/?q=租房").content.decode()
    client.force_login(staff["zhujian_head"])
    client.post(f"/staff/public/policies/{policy.pk}/", form(version="1", published=""))
    assert not search.search("公积金")
    client.logout()
    assert client.get(f"/policies/{policy.pk}/").status_code == 404


def test_questions_are_shown_only_once_approved_with_an_answer(client, staff, policy):
    assert (
        client.post(f"/policies/{policy.pk}/ask/", {"question": "个体户能提取吗？"}).status_code
        == 302
    )
    client.post(f"/policies/{policy.pk}/ask/", {"question": "广告 加微信"})
    assert "个体户能提取吗" not in client.get(f"/policies/{policy.pk}/").content.decode()
    asked, spam = PolicyQuestion.objects.order_by("id")
    client.force_login(staff["zhujian"])  # a handler of the unit moderates
    empty = client.post(f"/staff/public/policies/questions/{asked.pk}/", {"decision": "approve"})
    assert empty.status_code == 422
    client.post(
        f"/staff/public/policies/questions/{asked.pk}/",
        {"decision": "approve", "answer": "灵活就业人员按缴存地规定办理。"},
    )
    client.post(f"/staff/public/policies/questions/{spam.pk}/", {"decision": "reject"})
    again = client.post(f"/staff/public/policies/questions/{spam.pk}/", {"decision": "approve"})
    assert again.status_code == 409
    client.force_login(staff["jiaoyu"])
    other = client.post(f"/staff/public/policies/questions/{asked.pk}/", {"decision": "reject"})
    assert other.status_code == 404
    client.logout()
    page = client.get(f"/policies/{policy.pk}/").content.decode()
    assert "个体户能提取吗" in page
    assert "灵活就业人员按缴存地规定办理" in page
    assert "加微信" not in page
    assert "13812345678" not in page  # what a citizen left in a question is masked
    assert "张伟" not in page


def test_a_question_too_long_or_empty_is_refused(client, policy):
    assert client.post(f"/policies/{policy.pk}/ask/", {"question": "  "}).status_code == 422
    long = client.post(f"/policies/{policy.pk}/ask/", {"question": "问" * 501})
    assert long.status_code == 422
    assert "不能超过500字" in long.content.decode()
    huge = client.post(f"/policies/{policy.pk}/ask/", {"question": "问" * (10 * 1024 * 1024 // 3)})
    assert 400 <= huge.status_code < 500
    assert not PolicyQuestion.objects.exists()


def test_the_home_page_link_leads_to_the_policies(client):
    response = client.get("/services/policy/")
    assert response.status_code == 302
    assert response["Location"] == "/policies/"
