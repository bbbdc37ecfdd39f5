"""Staff pages name the common Chinese fonts before any generic family, as the portal does."""

from __future__ import annotations

import re
from pathlib import Path

from django.contrib.staticfiles import finders


def test_the_stylesheet_names_chinese_fonts_before_any_generic_family():
    css = Path(finders.find("workbench/workbench.css")).read_text()
    fonts = re.search(r"body \{[^}]*font: [0-9.]+rem/[0-9.]+ ([^;]+);", css).group(1)
    names = [name.strip().strip('"') for name in fonts.split(",")]
    generic = min(names.index(g) for g in ("system-ui", "sans-serif", "-apple-system"))
    for face in ("PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC"):
        assert names.index(face) < generic, names
