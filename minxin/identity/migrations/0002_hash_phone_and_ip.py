"""SMS codes keep keyed hashes of the phone and the IP instead of the values themselves."""

from django.db import migrations, models


def hash_existing(apps, schema_editor):
    from minxin.encryption.crypto import blind_index, phone_index

    SmsCode = apps.get_model("identity", "SmsCode")
    for code in SmsCode.objects.iterator(chunk_size=500):
        code.phone_index = phone_index(code.phone)
        code.ip_index = blind_index(code.ip, purpose="ip") if code.ip else ""
        code.save(update_fields=["phone_index", "ip_index"])


class Migration(migrations.Migration):

    dependencies = [
        ("identity", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="smscode",
            name="phone_index",
            field=models.CharField(db_index=True, default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="smscode",
            name="ip_index",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.RunPython(hash_existing, migrations.RunPython.noop, elidable=True),
        migrations.RemoveIndex(model_name="smscode", name="identity_sm_ip_01dde3_idx"),
        migrations.RemoveField(model_name="smscode", name="phone"),
        migrations.RemoveField(model_name="smscode", name="ip"),
        migrations.AddIndex(
            model_name="smscode",
            index=models.Index(fields=["ip_index", "created_at"], name="identity_sm_ip_inde_c93971_idx"),
        ),
    ]
