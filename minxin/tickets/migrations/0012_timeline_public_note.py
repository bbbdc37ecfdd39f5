"""Timeline events get `public_note`, the text written for the citizen; `note` becomes
internal only. Existing events are mapped as docs/citizen-view.md ("What existing events
became") describes: text that staff wrote in a field addressed to the citizen moves to
`public_note`; every other note stays, internal. `note` and `public` are left as they were:
both are witnessed by the audit chain."""

import re

from django.db import migrations, models
from django.db.models import F

# Fields the workbench labelled as told to the citizen (and the citizen's own supplements).
ADDRESSED_TO_CITIZEN = ["reject", "request_info", "supplement"]
LEAD = re.compile(r"^主办：(.+?)(?:；协办：|。|$)", re.DOTALL)
RATINGS = {"满意", "基本满意", "不满意"}
BATCH = 1000


def lead_unit(note: str) -> str:
    found = LEAD.match(note or "")
    return found.group(1).strip() if found else ""


def rating(note: str) -> str:
    label = (note or "").split("：", 1)[0]
    return label if label in RATINGS else ""


def forwards(apps, schema_editor):
    # Only rows without a public note: those the old code wrote (safe to run again).
    old = apps.get_model("tickets", "TimelineEvent").objects.filter(public_note="")
    old.filter(action__in=ADDRESSED_TO_CITIZEN).update(public_note=F("note"))
    for action, public_text in (("dispatch", lead_unit), ("rate", rating)):
        changed = []
        for event in old.filter(action=action).only("id", "note").iterator(BATCH):
            event.public_note = public_text(event.note)
            if event.public_note:
                changed.append(event)
            if len(changed) >= BATCH:
                old.model.objects.bulk_update(changed, ["public_note"])
                changed = []
        old.model.objects.bulk_update(changed, ["public_note"])


def backwards(apps, schema_editor):
    pass  # the column is dropped; `note` was never changed


class Migration(migrations.Migration):

    dependencies = [
        ('tickets', '0011_event_action_at_index'),
    ]

    operations = [
        migrations.AddField(
            model_name='timelineevent',
            name='public_note',
            field=models.TextField(blank=True, db_default='', default='', verbose_name='告知诉求人'),
        ),
        migrations.AlterField(
            model_name='timelineevent',
            name='note',
            field=models.TextField(blank=True, verbose_name='内部记录'),
        ),
        migrations.RunPython(forwards, backwards),
    ]
