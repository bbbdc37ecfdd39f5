"""The portal's forms: they parse and keep what the citizen typed; the services decide.

Fields render through `portal/forms/field.html`, which ties each hint and error to its
input with aria-describedby. Domain errors from the services are put back on the field
they name (`show_error`), so every message appears next to its cause.
"""

from __future__ import annotations

from typing import Any, ClassVar, cast

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.forms.renderers import DjangoTemplates

from minxin.core.errors import DomainError
from minxin.identity.services import check_phone
from minxin.org.models import Category, RequestType, Unit
from minxin.tickets.models import Satisfaction
from minxin.tickets.submission import MAX_PHOTOS

# Services name some fields after the model ("category_id"); the forms after what people see.
SERVICE_FIELDS = {
    "category_id": "category",
    "district_id": "district",
    "tracking_code": "tracking_code",
    "satisfaction": "satisfaction",
}


class PortalRenderer(DjangoTemplates):
    field_template_name = "portal/forms/field.html"


class PortalForm(forms.Form):
    default_renderer = PortalRenderer
    label_suffix = ""
    # Fields needed only in some cases say when, instead of a misleading "optional".
    conditional: ClassVar[dict[str, str]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            note = self.conditional.get(name, "" if field.required else "选填")
            field.optional_note = note  # type: ignore[attr-defined]  # read by field.html

    def show_error(self, error: DomainError) -> None:
        """Attach a service's error to the field it names, or to the form as a whole."""
        field = SERVICE_FIELDS.get(error.field or "", error.field)
        self.add_error(field if field in self.fields else None, error.message)


class RadioGroup(forms.RadioSelect):
    """Radios whose group states that a choice is required (`field.html` draws it as a
    fieldset with role="radiogroup" and aria-required). A `required` on each radio made
    browsers report an untouched group as invalid before the citizen had done anything."""

    def use_required_attribute(self, initial: Any) -> bool:
        return False


# ---- submission --------------------------------------------------------------------------


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several files from one input; their content is checked by the submission service."""

    widget = MultipleFileInput(attrs={"accept": "image/jpeg,image/png"})

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        if len(files) > MAX_PHOTOS:
            raise forms.ValidationError(f"最多上传{MAX_PHOTOS}张照片，您选择了{len(files)}张")
        clean_one = super().clean
        return [clean_one(f, initial) for f in files]


def type_choices() -> list[tuple[str, str]]:
    return [(t.code, t.name) for t in RequestType.objects.all()]


def type_hint() -> str:
    limits = "；".join(
        f"{t.name}{t.deadline_days}个工作日内{'答复' if t.direct_answer else '办结'}"
        for t in RequestType.objects.all()
    )
    return f"办理时限：{limits}。" if limits else ""


def category_choices() -> list[tuple[Any, Any]]:
    """The category tree as option groups: second-level categories under their first level."""
    active = Category.objects.filter(is_active=True).select_related("parent")
    tops = [c for c in active if c.parent_id is None]
    children: dict[int, list[Category]] = {}
    for c in active:
        if c.parent_id is not None:
            children.setdefault(c.parent_id, []).append(c)
    choices: list[tuple[Any, Any]] = [("", "不确定，由工作人员分类")]
    for top in tops:
        kids = children.get(top.pk, [])
        choices.append(
            (top.name, [(str(k.pk), k.name) for k in kids]) if kids else (str(top.pk), top.name)
        )
    return choices


def district_choices() -> list[tuple[str, str]]:
    districts = Unit.objects.filter(kind=Unit.Kind.DISTRICT, is_active=True)
    return [("", "请选择（可不选）")] + [(str(u.pk), u.name) for u in districts]


class SmsFields(PortalForm):
    """Phone plus one-time code, shared by the submission and tracking pages."""

    phone = forms.CharField(
        label="手机号码",
        required=False,
        max_length=20,
        help_text="11位手机号，用于接收验证码和办理进度短信。",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    code = forms.CharField(
        label="短信验证码",
        required=False,
        max_length=8,
        help_text="先点“获取验证码”，再填写短信中的6位数字，5分钟内有效。",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class SubmitForm(SmsFields):
    conditional: ClassVar[dict[str, str]] = {
        "name": "实名提交时必填",
        "phone": "实名提交时必填",
        "code": "实名提交时必填",
    }

    request_type = forms.ChoiceField(
        label="诉求类型",
        widget=RadioGroup,
        error_messages={"required": "请选择诉求类型", "invalid_choice": "请选择诉求类型"},
    )
    title = forms.CharField(
        label="标题",
        max_length=100,
        help_text="一句话说明问题，例如“小区电梯停运一周”，100字以内。",
        error_messages={"required": "请填写标题", "max_length": "标题不能超过100字"},
    )
    content = forms.CharField(
        label="诉求内容",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="请写明时间、地点、经过和您的诉求，5000字以内。请勿填写身份证号、银行卡号。",
        error_messages={"required": "请填写诉求内容", "max_length": "诉求内容不能超过5000字"},
    )
    category = forms.ChoiceField(
        label="问题分类",
        required=False,
        help_text="可不选，工作人员会核实分类。输入内容后，页面会给出分类建议。",
    )
    district = forms.ChoiceField(label="所在区县", required=False)
    address = forms.CharField(
        label="详细地址",
        required=False,
        max_length=200,
        help_text="街道、小区或路口名称，便于工作人员到现场核实。",
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
        error_messages={"max_length": "地址不能超过200字"},
    )
    identity = forms.ChoiceField(
        label="提交方式",
        widget=RadioGroup,
        initial="real",
        choices=[
            ("real", "实名提交（验证手机号，办理进度短信通知您）"),
            ("anonymous", "匿名提交（凭查询码和查询密码查看进度）"),
        ],
        error_messages={"required": "请选择实名或匿名提交"},
    )
    name = forms.CharField(
        label="姓名",
        required=False,
        max_length=50,
        help_text="实名提交时填写，仅办理人员可见。",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"max_length": "姓名不能超过50字"},
    )
    photos = PhotosField(
        label="现场照片",
        required=False,
        help_text=f"最多{MAX_PHOTOS}张，仅支持JPEG或PNG格式，每张不超过5MB。"
        "如提交未成功，已选照片需要重新选择。",
    )
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)

    field_order = [
        "request_type",
        "title",
        "content",
        "category",
        "district",
        "address",
        "identity",
        "name",
        "phone",
        "code",
        "photos",
    ]

    def __init__(self, *args: Any, phone_verified: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A phone proved earlier in this visit: no phone or code is asked again.
        self.phone_verified = phone_verified
        choices = {
            "request_type": type_choices(),
            "category": category_choices(),
            "district": district_choices(),
        }
        for name, options in choices.items():
            cast(forms.ChoiceField, self.fields[name]).choices = options
        self.fields["request_type"].help_text = type_hint()

    def clean(self) -> dict[str, Any]:
        """A real-name request's own rules, checked in the same round as every other field,
        so the summary at the top of the page lists everything to fix at once."""
        super().clean()
        data = self.cleaned_data
        if data.get("identity") != "real":
            return data
        if not data.get("name", "").strip():
            self.add_error("name", "实名提交请填写姓名")
        if self.phone_verified:
            return data
        if not data.get("phone"):
            self.add_error("phone", "实名提交请填写手机号码")
        else:
            try:
                check_phone(data["phone"])
            except DomainError as exc:
                self.show_error(exc)
        if not data.get("code"):
            self.add_error("code", "请先点击“获取验证码”，再填写短信中的验证码")
        return data

    def sms_code_to_verify(self) -> tuple[str, str] | None:
        """The phone and SMS code of a real-name request, once both are well formed (other
        fields may still have errors: a right code is worth keeping meanwhile)."""
        self.is_valid()
        data = self.cleaned_data
        if self.phone_verified or data.get("identity") != "real":
            return None
        if self.has_error("phone") or self.has_error("code"):
            return None
        return (data["phone"], data["code"]) if data.get("phone") and data.get("code") else None


class TrackCodeForm(PortalForm):
    conditional: ClassVar[dict[str, str]] = {"password": "匿名提交的必填"}

    tracking_code = forms.CharField(
        label="查询码",
        max_length=20,
        help_text="提交成功后得到的10位查询码，例如 AB2CD-3EF45，不区分大小写。",
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
        error_messages={"required": "请填写查询码"},
    )
    password = forms.CharField(
        label="查询密码",
        required=False,
        max_length=20,
        help_text="匿名提交时得到的6位数字。实名提交的没有查询密码，不用填："
        "用提交时的手机号接收短信验证码即可查看（本次已验证手机号的，直接点“查询”）。",
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )


class PhoneLookupForm(SmsFields):
    conditional: ClassVar[dict[str, str]] = {"phone": "", "code": ""}

    # The code typed in the other form: once the phone is proved, that request opens.
    tracking_code = forms.CharField(widget=forms.HiddenInput, required=False, max_length=20)


class RateForm(PortalForm):
    satisfaction = forms.ChoiceField(
        label="您对办理结果是否满意",
        widget=RadioGroup,
        choices=[(s.value, s.label) for s in Satisfaction if s != Satisfaction.NOT_RATED],
        help_text="选择“不满意”时，诉求将退回承办单位重新办理。",
        error_messages={
            "required": "请选择满意、基本满意或不满意",
            "invalid_choice": "请选择满意、基本满意或不满意",
        },
    )
    comment = forms.CharField(
        label="评价意见",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="可不填，500字以内。",
        error_messages={"max_length": "评价意见不能超过500字"},
    )


class SupplementForm(PortalForm):
    note = forms.CharField(
        label="补充内容",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="请按工作人员的要求补充情况说明，5000字以内。",
        error_messages={"required": "请填写补充内容", "max_length": "补充内容不能超过5000字"},
    )
