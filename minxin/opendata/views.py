"""The public download of the latest open-data release: /open-data/ and its files."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, JsonResponse
from django.urls import reverse

from minxin.opendata.publish import FILES, latest


def index(request: HttpRequest) -> JsonResponse:
    """The manifest of the latest release, each file with its download address."""
    manifest = latest()
    if manifest is None:
        return JsonResponse(
            {"error": {"code": "not_published", "message": "开放数据尚未生成", "field": None}},
            status=404,
        )
    for name, entry in manifest["files"].items():
        entry["url"] = request.build_absolute_uri(reverse("opendata_file", args=[name]))
        del entry["path"]
    manifest["schema"] = "docs/open-data.md"
    return JsonResponse(manifest, json_dumps_params={"ensure_ascii": False})


def download(request: HttpRequest, name: str) -> FileResponse:
    manifest = latest()
    if name not in FILES or manifest is None:
        raise Http404("没有这个文件")
    kind = "text/csv; charset=utf-8" if name.endswith(".csv") else "application/json"
    response = FileResponse(
        default_storage.open(manifest["files"][name]["path"]),
        as_attachment=True,
        filename=f"minxin-{manifest['as_of']}-{name}",
        content_type=kind,
    )
    response["Cache-Control"] = "public, max-age=3600"
    return response
