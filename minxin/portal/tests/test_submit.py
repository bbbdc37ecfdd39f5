"""Submitting a request through the web form."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from minxin.portal.tests.helpers import base_form, png, sms_code
from minxin.tickets.models import Photo, Ticket

pytestmark = pytest.mark.django_db
PHONE = "13800138000"


def test_the_form_lists_types_categories_and_districts(client, city):
    html = client.get("/submit/").content.decode()
    assert 'name="request_type" value="complaint"' in html
    assert '<optgroup label="城乡建设">' in html
    assert ">物业管理</option>" in html
    assert ">和平区</option>" in html
    assert 'name="form_token"' in html
    assert "csrfmiddlewaretoken" in html


def test_an_anonymous_request_is_filed_and_confirmed_once(client, city, media):
    response = client.post("/submit/", base_form(client, city, photos=[png(), png("b.png")]))
    assert response.status_code == 302
    assert response["Location"] == "/submit/done/"
    ticket = Ticket.objects.get()
    assert ticket.is_anonymous
    assert ticket.title == "小区电梯停运一周"
    assert ticket.district == city["units"]["heping"]
    assert ticket.category == city["category"]
    assert Photo.objects.filter(ticket=ticket).count() == 2

    html = client.get("/submit/done/").content.decode()
    assert ticket.display_code in html
    password = re.search(r'id="query-password">(\d{6})<', html).group(1)
    assert "将在" in html
    assert "前办结" in html
    assert "/track/?code=" in html
    assert password not in response["Location"]
    again = client.get("/submit/done/").content.decode()
    assert ticket.display_code in again
    assert password not in again
    assert "不再显示" in again


def test_a_real_name_request_verifies_the_phone_by_sms(client, city):
    assert client.post("/sms/send/", {"phone": PHONE}).json()["ok"]
    data = base_form(client, city, identity="real", name="张三", phone=PHONE, code=sms_code(PHONE))
    assert client.post("/submit/", data).status_code == 302
    ticket = Ticket.objects.get()
    assert not ticket.is_anonymous
    assert ticket.submitter_phone == PHONE
    assert ticket.submitter_name == "张三"
    html = client.get("/submit/done/").content.decode()
    assert ticket.display_code in html
    assert "查询密码" not in html
    # The verified phone stays in the session: the next request needs no new code.
    second = base_form(client, city, identity="real", name="张三", title="第二件")
    assert client.post("/submit/", second).status_code == 302
    assert Ticket.objects.filter(submitter_phone=PHONE).count() == 2


def test_get_code_without_script_keeps_what_was_typed(client, city):
    data = base_form(client, city, identity="real", name="张三", phone=PHONE, action="send_code")
    html = client.post("/submit/", data).content.decode()
    assert "验证码已发送至138****8000" in html
    assert 'value="小区电梯停运一周"' in html
    assert "物业不维修" in html
    assert not Ticket.objects.exists()


def test_a_wrong_sms_code_is_shown_next_to_the_code_field(client, city):
    client.post("/sms/send/", {"phone": PHONE})
    data = base_form(client, city, identity="real", name="张三", phone=PHONE, code="000000")
    html = client.post("/submit/", data).content.decode()
    assert 'id="id_code_error" role="alert"' in html
    assert "验证码错误或已过期" in html
    assert 'aria-invalid="true"' in html
    assert 'value="小区电梯停运一周"' in html
    # Choices survive too: category, district, identity and name.
    assert f'<option value="{city["category"].pk}" selected>' in html
    assert f'<option value="{city["units"]["heping"].pk}" selected>' in html
    assert 'value="real" id="id_identity_0" checked' in html
    assert 'value="张三"' in html
    assert not Ticket.objects.exists()


def test_a_bad_photo_is_refused_and_nothing_else_is_lost(client, city, media):
    # Named and labelled as a PNG, but its content is a script.
    fake = SimpleUploadedFile("evil.png", b"<?php echo 1; ?>", content_type="image/png")
    response = client.post("/submit/", base_form(client, city, photos=[png(), fake]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_photos_error" role="alert"' in html
    assert "evil.png" in html
    assert "只支持JPEG或PNG格式" in html
    assert 'value="小区电梯停运一周"' in html
    assert "物业不维修" in html
    assert "请在“现场照片”处重新选择照片" in html
    assert not Ticket.objects.exists()
    assert not Photo.objects.exists()


def test_more_than_nine_photos_are_refused(client, city, media):
    photos = [png(f"p{i}.png") for i in range(10)]
    html = client.post("/submit/", base_form(client, city, photos=photos)).content.decode()
    assert "最多上传9张照片" in html
    assert not Ticket.objects.exists()


def test_missing_fields_are_named_next_to_each_field(client, city):
    html = client.post("/submit/", base_form(client, city, title="", content="")).content.decode()
    assert 'id="id_title_error" role="alert"' in html
    assert "请填写标题" in html
    assert "请填写诉求内容" in html
    assert 'class="error-summary"' in html
    assert 'href="#id_title"' in html


def summary(html: str) -> str:
    start = html.index('class="error-summary"')
    return html[start : html.index("</div>", start)]


def test_a_real_name_request_names_every_missing_field_in_one_round(client, city):
    data = base_form(client, city, identity="real", title="", name="", phone="12345")
    listed = summary(client.post("/submit/", data).content.decode())
    for message in ("请填写标题", "实名提交请填写姓名", "请输入正确的11位手机号码", "获取验证码"):
        assert message in listed
    assert not Ticket.objects.exists()


def test_a_right_sms_code_is_kept_while_other_fields_are_fixed(client, city):
    client.post("/sms/send/", {"phone": PHONE})
    code = sms_code(PHONE)
    data = base_form(client, city, identity="real", name="", phone=PHONE, code=code)
    html = client.post("/submit/", data).content.decode()
    assert "实名提交请填写姓名" in summary(html)
    assert "已验证" in html
    assert 'name="code"' not in html
    # The code was spent once; the phone stays proved, so the fix needs no new code.
    fixed = base_form(client, city, identity="real", name="张三")
    assert client.post("/submit/", fixed).status_code == 302
    assert Ticket.objects.get().submitter_phone == PHONE


def test_a_wrong_sms_code_is_listed_with_the_other_errors(client, city):
    client.post("/sms/send/", {"phone": PHONE})
    data = base_form(client, city, identity="real", name="", content="", phone=PHONE, code="1")
    listed = summary(client.post("/submit/", data).content.decode())
    for message in ("请填写诉求内容", "实名提交请填写姓名", "验证码错误或已过期"):
        assert message in listed


def test_the_form_posts_to_its_own_address_without_a_fragment(client, city):
    html = client.get("/submit/").content.decode()
    assert 'action="/submit/"' in html


def test_the_request_type_group_states_required_and_invalid_only_after_a_try(client, city):
    html = client.get("/submit/").content.decode()
    assert '<fieldset role="radiogroup" aria-required="true"' in html
    assert 'name="request_type" value="complaint" id=' in html  # no `required` on each radio
    assert 'aria-invalid="true"' not in html
    after = client.post("/submit/", base_form(client, city, request_type="")).content.decode()
    assert 'role="radiogroup" aria-required="true" aria-invalid="true"' in after


def test_a_resubmitted_form_files_one_request(client, city):
    data = base_form(client, city)
    first = client.post("/submit/", data)
    second = client.post("/submit/", data)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == "/submit/done/"
    assert Ticket.objects.count() == 1
    assert "已经提交过" in client.get("/submit/done/").content.decode()


def test_a_forged_form_token_is_refused_with_values_kept(client, city):
    html = client.post("/submit/", base_form(client, city, form_token="forged")).content.decode()
    assert "页面已过期" in html
    assert 'value="小区电梯停运一周"' in html
    assert not Ticket.objects.exists()


def test_the_receipt_page_without_a_submission_offers_a_way_on(client, city):
    html = client.get("/submit/done/").content.decode()
    assert "没有找到" in html
    assert 'href="/track/"' in html


def test_forms_refuse_posts_without_csrf(city):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/submit/", {"title": "x"}).status_code == 403
    assert strict.post("/track/", {"tracking_code": "x"}).status_code == 403


def test_an_english_browser_still_gets_chinese_errors(city):
    # Django's own messages (an unknown choice here) follow LANGUAGE_CODE, not the browser.
    english = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    response = english.post(
        "/submit/", base_form(english, city, request_type="nope", district="abc")
    )
    listed = summary(response.content.decode())
    assert "选择一个有效的选项" in listed
    assert "valid choice" not in listed
    assert response.headers.get("Content-Language", "zh-hans") == "zh-hans"
