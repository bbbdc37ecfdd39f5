"""Personal fields: SM4 ciphertext in the database, plaintext in the model, phone lookups
through the keyed blind index."""

from __future__ import annotations

import io
import json

import pytest
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from minxin.encryption.crypto import DecryptionError, decrypt, encrypt, phone_index
from minxin.privacy.tests.helpers import ADDRESS, NAME, PHONE, submit_real_name
from minxin.tickets.models import Ticket
from minxin.tickets.selectors import citizen_tickets

pytestmark = pytest.mark.django_db


def raw_row(ticket: Ticket) -> tuple[str, str, str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT submitter_name, submitter_phone, address, submitter_phone_index "
            "FROM tickets_ticket WHERE id = %s",
            [ticket.pk],
        )
        return cursor.fetchone()


def test_values_read_back_as_written(city):
    ticket = submit_real_name(city)
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert (ticket.submitter_name, ticket.submitter_phone, ticket.address) == (NAME, PHONE, ADDRESS)


def test_the_database_holds_ciphertext_tagged_with_the_key_id(city):
    first, second = submit_real_name(city), submit_real_name(city)
    name, phone, address, index = raw_row(first)
    for value in (name, phone, address):
        assert value.startswith("$SM4$dev$")
    assert NAME not in name
    assert PHONE not in phone
    assert ADDRESS not in address
    # A fresh nonce each time: equal phones do not give equal ciphertexts...
    assert raw_row(second)[1] != phone
    # ...but do give equal blind indexes, which is what lookups use.
    assert raw_row(second)[3] == index == phone_index(PHONE)
    assert PHONE not in index


def test_lookup_by_phone_goes_through_the_blind_index(city):
    mine = submit_real_name(city)
    submit_real_name(city, phone="13700000000")
    with CaptureQueriesContext(connection) as queries:
        found = list(Ticket.objects.filter(submitter_phone=PHONE))
    assert found == [mine]
    sql = queries.captured_queries[0]["sql"]
    assert "submitter_phone_index" in sql
    assert PHONE not in sql
    assert list(citizen_tickets(phone=PHONE)) == [mine]
    assert not citizen_tickets(phone="")


def test_searching_inside_encrypted_values_is_refused(city):
    submit_real_name(city)
    with pytest.raises(FieldError):
        list(Ticket.objects.filter(submitter_name__icontains="欧阳"))
    with pytest.raises(FieldError):
        list(Ticket.objects.filter(submitter_name=NAME))  # no blind index for names
    # Emptiness can be asked of any encrypted field: empty values are stored as such.
    assert Ticket.objects.filter(submitter_name="").count() == 0
    assert Ticket.objects.exclude(address="").count() == 1


def test_a_changed_ciphertext_is_an_error_not_wrong_data(city):
    ticket = submit_real_name(city)
    stored = raw_row(ticket)[1]
    flipped = stored[:-3] + ("A" if stored[-3] != "A" else "B") + stored[-2:]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE tickets_ticket SET submitter_phone = %s WHERE id = %s", [flipped, ticket.pk]
        )
    with pytest.raises(DecryptionError):
        Ticket.objects.get(pk=ticket.pk)


def test_values_written_before_encryption_still_read(city):
    ticket = submit_real_name(city)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE tickets_ticket SET address = %s WHERE id = %s", ["旧数据路1号", ticket.pk]
        )
    assert Ticket.objects.get(pk=ticket.pk).address == "旧数据路1号"


def test_dumpdata_keeps_personal_data_encrypted(city):
    submit_real_name(city)
    out = io.StringIO()
    call_command("dumpdata", "tickets.ticket", stdout=out)
    text = out.getvalue()
    assert PHONE not in text
    assert NAME not in text
    assert ADDRESS not in text
    fields = json.loads(text)[0]["fields"]
    assert decrypt(fields["submitter_phone"]) == PHONE
    assert Ticket._meta.get_field("submitter_phone").to_python(fields["submitter_phone"]) == PHONE


def test_encrypt_round_trip_of_unusual_text():
    for text in ["a", "😀 emoji 〇", "x" * 5000, "$SM4$dev$looks-like-ciphertext"]:
        assert decrypt(encrypt(text)) == text
