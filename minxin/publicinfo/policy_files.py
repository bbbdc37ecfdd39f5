"""Policy attachments are judged by their content, like request photos (tickets.submission):
the file's own bytes say what it is, and that must be what its name claims.

- PDF: starts with `%PDF-`.
- JPEG, PNG: opened and verified by Pillow (`tickets.submission.check_image`), then re-encoded
  so no metadata (GPS, camera) is published.
- Word, Excel, PowerPoint (.docx, .xlsx, .pptx): a zip archive holding `[Content_Types].xml`
  and the part that makes it that kind of document (`word/document.xml`, `xl/workbook.xml`,
  `ppt/presentation.xml`); an archive carrying macros (`vbaProject.bin`), or unpacking to more
  than MAX_UNPACKED bytes, is refused. The old binary formats (.doc, .xls) are not accepted.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from minxin.core.errors import ValidationFailed
from minxin.tickets.submission import MAX_PHOTO_BYTES, check_image, reencode_image

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_UNPACKED = 100 * 1024 * 1024
MAX_ATTACHMENTS = 10
NAME_CHARS = 120

# extension -> (content type, label)
KINDS: dict[str, tuple[str, str]] = {
    "pdf": ("application/pdf", "PDF"),
    "jpg": ("image/jpeg", "JPEG图片"),
    "jpeg": ("image/jpeg", "JPEG图片"),
    "png": ("image/png", "PNG图片"),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Word文档",
    ),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel表格"),
    "pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "PowerPoint演示文稿",
    ),
}
OFFICE_PART = {
    "docx": "word/document.xml",
    "xlsx": "xl/workbook.xml",
    "pptx": "ppt/presentation.xml",
}
ACCEPTED = "PDF、JPEG、PNG、Word（.docx）、Excel（.xlsx）、PowerPoint（.pptx）"


@dataclass(frozen=True)
class Checked:
    name: str
    content_type: str
    data: bytes


def _refuse(message: str, code: str = "invalid_attachment") -> ValidationFailed:
    return ValidationFailed(message, code=code, field="attachments")


def check_attachment(*, name: str, data: bytes) -> Checked:
    """The attachment as it will be stored, or a 422 saying why not."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1].strip()[-NAME_CHARS:]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in KINDS:
        raise _refuse(f"附件“{name}”的类型不受支持，只接受{ACCEPTED}", "attachment_type")
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise _refuse(f"附件“{name}”超过10MB", "attachment_too_large")
    content_type, label = KINDS[extension]
    if content_type.startswith("image/") and len(data) > MAX_PHOTO_BYTES:
        raise _refuse(f"图片附件“{name}”超过5MB", "attachment_too_large")
    if not _is(extension, data):
        raise _refuse(f"附件“{name}”的内容不是{label}，与文件名不符，请检查后重新上传")
    if content_type.startswith("image/"):
        data = reencode_image(data, content_type)
    return Checked(name, content_type, data)


def _is(extension: str, data: bytes) -> bool:
    if extension == "pdf":
        return data.startswith(b"%PDF-")
    if extension in OFFICE_PART:
        return _is_office(data, OFFICE_PART[extension])
    try:
        kind = check_image(data)
    except ValidationFailed:
        return False
    return kind == KINDS[extension][0]


def _is_office(data: bytes, part: str) -> bool:
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    names = {m.filename for m in members}
    return (
        "[Content_Types].xml" in names
        and part in names
        and not any(n.lower().endswith("vbaproject.bin") for n in names)
        and sum(m.file_size for m in members) <= MAX_UNPACKED
    )
