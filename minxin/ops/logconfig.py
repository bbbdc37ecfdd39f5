"""The logging configuration settings.py hands to Django: every line carries the request's
id; `json` writes one JSON object a line for a log collector (docs/operations.md, "Logs")."""

from __future__ import annotations

from typing import Any


def logging_config(*, log_format: str, level: str, access_level: str) -> dict[str, Any]:
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "minxin.ops.requestid.RequestIdFilter"}},
        "formatters": {
            "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "format": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
                "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
                "json_ensure_ascii": False,
            },
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "filters": ["request_id"],
                "formatter": log_format,
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "jieba": {"level": "WARNING"},
            # One line per request; LOG_ACCESS_LEVEL=WARNING silences it where a proxy logs.
            "minxin.access": {"level": access_level},
        },
    }
