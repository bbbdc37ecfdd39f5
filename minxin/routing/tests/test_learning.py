"""Done when: a correction made in the workbench shows up in the next --from-requests training."""

from __future__ import annotations

import json
from io import StringIO

from django.core.management import call_command

from minxin.nlp.models import ModelVersion
from minxin.nlp.storage import load_model
from minxin.nlp.training import train_from_rows
from minxin.routing.feedback import acceptance_rates
from minxin.routing.learning import request_rows
from minxin.routing.models import SuggestionFeedback
from minxin.routing.tests.helpers import category, close, dispatch, submit
from minxin.tickets.models import Status, Ticket
from minxin.workbench.tests.helpers import as_user, post_action

PROPERTY, NOISE = "城乡建设/物业管理", "环境保护/噪声污染"
PROPERTY_TEXTS = [
    "物业乱收停车费",
    "物业不修电梯",
    "物业费上涨没有公示",
    "小区绿化被物业占用",
    "物业保安态度恶劣",
    "物业不清理楼道垃圾",
]
NOISE_TEXTS = [
    "工地夜间施工噪音",
    "广场舞音响太吵",
    "装修电钻声扰民",
    "夜市喇叭叫卖噪声",
    "酒吧深夜音乐声太大",
    "货车夜间鸣笛扰民",
]
CORRECTED = "楼下烧烤店深夜音响吵闹影响休息"


def test_a_workbench_correction_reaches_the_next_training(client, city, staff):
    for i, text in enumerate(PROPERTY_TEXTS + NOISE_TEXTS):
        path = PROPERTY if i < len(PROPERTY_TEXTS) else NOISE
        ticket = submit(city, text, text + "，请处理")
        dispatch(ticket, staff, "zhujian" if path == PROPERTY else "huanbao", path)
        close(ticket, staff, "zhujian" if path == PROPERTY else "huanbao")
    # The active model has learnt the wrong thing about late-night music at a restaurant.
    train_from_rows(
        [(t, PROPERTY) for t in PROPERTY_TEXTS + [CORRECTED] * 4]
        + [(t, NOISE) for t in NOISE_TEXTS],
        holdout=0,
        activate=True,
    )
    ticket = submit(city, CORRECTED, CORRECTED + "，请处理", district="heping")

    # The dispatcher sees the wrong suggestion and corrects it on the request page.
    intake = as_user(client, staff["intake"])
    page = intake.get(f"/staff/requests/{ticket.pk}/").content.decode()
    assert "智能分类建议：" + PROPERTY in page, page[page.find("智能") : page.find("智能") + 200]
    noise = category(NOISE)
    assert post_action(intake, ticket, "accept", category_id=noise.pk).status_code == 302
    assert (
        post_action(intake, ticket, "dispatch", lead_unit_id=staff["huanbao"].unit_id).status_code
        == 302
    )
    feedback = SuggestionFeedback.objects.get(ticket=ticket)
    assert feedback.suggested_categories[0]["label"] == PROPERTY
    assert feedback.chosen_category == noise
    assert feedback.accepted_category is False
    assert feedback.chosen_unit.code == "huanbao"
    assert feedback.user == staff["intake"]
    assert feedback.model_version == ModelVersion.objects.get(is_active=True)
    # The 12 walked before any model was active had no category suggestion to judge.
    rates = acceptance_rates()["overall"]
    assert rates["n_category"] == 1
    assert rates["category_acceptance"] == 0.0

    close(ticket, staff, "huanbao")
    assert Ticket.objects.get(pk=ticket.pk).status == Status.CLOSED
    rows = request_rows()
    assert {
        "ticket_id": ticket.pk,
        "title": CORRECTED,
        "text": CORRECTED + "，请处理",
        "category": NOISE,
    } in rows

    out = StringIO()
    call_command("nlp-train", "--from-requests", "--min-rows", "10", "--holdout", "0.3", stdout=out)
    summary = json.loads(out.getvalue())
    assert summary["n_own_rows"] == 13
    assert summary["n_test"] == 4
    assert summary["activated"] == (summary["candidate_accuracy"] > summary["active_accuracy"])
    trained = load_model(ModelVersion.objects.get(pk=summary["id"]))
    assert trained.predict([CORRECTED + "，请处理"]) == [NOISE]
