"""What the page's charts draw, as data for ECharts (`static/analytics/dashboard.js`). Every
chart draws a table that is also on the page as a table, with its text summary."""

from __future__ import annotations

from typing import Any

from minxin.analytics.tables import Table


def series(table: Table, columns: list[int], kind: str) -> dict[str, Any]:
    """TABLE's first column as the categories, COLUMNS (indexes) as series of KIND."""
    return {
        "id": f"chart-{table.key}",
        "table": f"table-{table.key}",
        "title": table.title,
        "kind": kind,
        "categories": [row[0].text for row in table.rows],
        "series": [
            {"name": table.columns[i], "data": [row[i].value for row in table.rows]}
            for i in columns
        ],
    }


def dashboard_charts(tables: list[Table]) -> list[dict[str, Any]]:
    by_key = {t.key: t for t in tables}
    charts = [series(by_key["trend"], [1, 2], "line")]
    for key in ("category", "district", "channel", "type"):
        if key in by_key and by_key[key].rows:
            charts.append(series(by_key[key], [1, 2], "bar"))
    return charts
