"""Helpers for the portal's tests: photos made on the spot, SMS codes read back, form data."""

from __future__ import annotations

import io
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from minxin.notify.tests.helpers import last_sms_text


def sms_code(phone: str) -> str:
    text = last_sms_text(phone)
    return re.search(r"验证码是(\d{6})", text).group(1)


def png(name: str = "scene.png", colour: str = "red") -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def form_token(client: Client) -> str:
    html = client.get("/submit/").content.decode()
    return re.search(r'name="form_token" value="([^"]+)"', html).group(1)


def base_form(client: Client, city: dict, **overrides: object) -> dict:
    data = {
        "form_token": form_token(client),
        "request_type": "complaint",
        "title": "小区电梯停运一周",
        "content": "三号楼电梯停运一周，物业不维修，老人上下楼困难。",
        "category": str(city["category"].pk),
        "district": str(city["units"]["heping"].pk),
        "address": "南湖街道文化路12号",
        "identity": "anonymous",
        "action": "submit",
    }
    data.update(overrides)
    return data
