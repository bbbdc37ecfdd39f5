"""The five request types with their default time limits, so that `minxin migrate` alone
gives a portal that can take requests. Sources and reasoning: docs/city-setup.md.

Only missing types are created (matched by code or by name): a type an administrator has
edited keeps its values, and running this again changes nothing."""

from django.db import migrations

# code, name, deadline (working days), sign, review, callback, direct answer at intake
STATUTORY_TYPES = [
    ("complaint", "投诉", 15, 1, 1, 5, False),
    ("consultation", "咨询", 3, 1, 1, 3, True),
    ("suggestion", "建议", 15, 1, 1, 5, False),
    ("help", "求助", 5, 1, 1, 3, False),
    ("report", "举报", 15, 1, 1, 5, False),
]


def create_missing(apps, schema_editor):
    RequestType = apps.get_model("org", "RequestType")
    taken = set(RequestType.objects.values_list("code", flat=True))
    taken |= set(RequestType.objects.values_list("name", flat=True))
    for sort, (code, name, days, sign, review, callback, direct) in enumerate(STATUTORY_TYPES):
        if code in taken or name in taken:
            continue
        RequestType.objects.create(
            code=code,
            name=name,
            deadline_days=days,
            sign_days=sign,
            review_days=review,
            callback_days=callback,
            direct_answer=direct,
            sort=sort,
        )


class Migration(migrations.Migration):
    dependencies = [("org", "0004_cohandling_limits_unit_approval")]

    operations = [migrations.RunPython(create_missing, migrations.RunPython.noop)]
