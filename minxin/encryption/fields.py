"""Model fields for personal data: encrypted at rest, looked up through a blind index.

    submitter_phone = EncryptedTextField("手机号", max_length=20, blank=True)
    submitter_phone_index = BlindIndexField(source="submitter_phone")

The model holds plaintext; the database holds only `$SM4$…` ciphertext and the keyed hash.
`filter(submitter_phone=x)` is rewritten to `submitter_phone_index = HMAC-SM3(x)` (and
`filter(field="")` works on any encrypted field, empty values being stored as such); any other
lookup on an encrypted field (contains, startswith, greater than...) is refused, since the
database cannot see the values. `QuerySet.update()` of an encrypted field does not refresh
its index: set both, or save the instance with both names in `update_fields`.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core import checks, exceptions
from django.core.exceptions import FieldError
from django.db import models
from django.db.models.expressions import Col
from django.db.models.lookups import IsNull, Lookup

from minxin.encryption.crypto import DecryptionError, blind_index, decrypt, encrypt, is_encrypted
from minxin.encryption.keys import KeyConfigError

_CIPHERTEXT_RE = re.compile(r"^\$SM4\$[A-Za-z0-9_-]{1,16}\$[A-Za-z0-9+/]+=*$")


class EncryptedTextField(models.TextField):
    description = "Text encrypted at rest with SM4-GCM"
    db_index: bool  # set by Field.__init__; django-stubs does not declare it

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        # Values written before encryption was switched on read as they are, until
        # `minxin keys rotate --commit` encrypts them.
        if value is None or not is_encrypted(value):
            return value
        return decrypt(value)

    def to_python(self, value: Any) -> Any:
        # Fixtures written by `dumpdata` (see value_to_string) hold ciphertext.
        if isinstance(value, str) and _CIPHERTEXT_RE.match(value):
            try:
                return decrypt(value)
            except (DecryptionError, KeyConfigError) as exc:
                raise exceptions.ValidationError(str(exc), code="undecryptable") from exc
        return value

    def get_prep_value(self, value: Any) -> str | None:
        value = models.Field.get_prep_value(self, value)
        if value is None:
            return None
        if value == "":
            return ""
        return encrypt(str(value))

    def value_to_string(self, obj: models.Model) -> str:
        # `dumpdata` output stays encrypted: a fixture file is as sensitive as the database.
        return self.get_prep_value(self.value_from_object(obj)) or ""

    def formfield(
        self,
        form_class: type[forms.Field] | None = None,
        choices_form_class: type[forms.ChoiceField] | None = None,
        **kwargs: Any,
    ) -> forms.Field | None:
        if self.max_length and self.max_length <= 200:
            kwargs.setdefault("widget", forms.TextInput)
        return super().formfield(
            form_class=form_class, choices_form_class=choices_form_class, **kwargs
        )

    def get_lookup(self, lookup_name: str) -> type[Lookup] | None:
        if lookup_name == "isnull":
            return IsNull
        if lookup_name == "exact":
            return EncryptedExact
        raise FieldError(
            f"{self.model.__name__}.{self.name} is encrypted: only exact "
            f"matches through its blind index are possible, not {lookup_name!r}"
        )

    def get_transform(self, lookup_name: str) -> None:
        return None

    def index_field(self) -> BlindIndexField | None:
        for field in self.model._meta.concrete_fields:
            if isinstance(field, BlindIndexField) and field.source == self.name:
                return field
        return None

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        errors = super().check(**kwargs)
        if self.unique or self.db_index or self.primary_key:
            errors.append(
                checks.Error(
                    "an encrypted field cannot be unique, indexed or a key "
                    "(each encryption differs); add a BlindIndexField",
                    obj=self,
                    id="privacy.E001",
                )
            )
        return errors


class BlindIndexField(models.CharField):
    """HMAC-SM3 of another field's plaintext, kept in step with it on every save."""

    def __init__(self, *args: Any, source: str, purpose: str = "phone", **kwargs: Any) -> None:
        self.source, self.purpose = source, purpose
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        if self.purpose != "phone":
            kwargs["purpose"] = self.purpose
        for key, default in (
            ("max_length", 64),
            ("blank", True),
            ("default", ""),
            ("editable", False),
            ("db_index", True),
        ):
            if kwargs.get(key, default) == default:
                kwargs.pop(key, None)
        return name, path, args, kwargs

    def index_of(self, value: str | None) -> str:
        return blind_index(value or "", purpose=self.purpose)

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        value = self.index_of(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value


class EncryptedExact(Lookup):
    """`encrypted_field = value`, answered by the blind index column. Empty values are
    stored as they are, so `field=""` works on any encrypted field."""

    lookup_name = "exact"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        if not isinstance(self.lhs, Col) or not isinstance(self.rhs, str):
            raise FieldError("an encrypted field can only be compared with a plain string")
        field = self.lhs.target
        if not isinstance(field, EncryptedTextField):
            raise FieldError("only an encrypted field is compared through its blind index")
        if self.rhs == "":
            sql, params = compiler.compile(self.lhs)
            return f"{sql} = %s", [*params, ""]
        index = field.index_field()
        if index is None:
            raise FieldError(
                f"{field.model.__name__}.{field.name} is encrypted and has no "
                "blind index: it cannot be searched"
            )
        sql, params = compiler.compile(Col(self.lhs.alias, index))
        return f"{sql} = %s", [*params, index.index_of(self.rhs)]
