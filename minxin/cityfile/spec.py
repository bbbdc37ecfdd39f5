"""The pieces every sheet of a city file is made of: a column, a row read from the file,
a problem found in it, and the sheet itself (one small spec object per sheet).

A sheet knows its columns, which of them identify a row, how the database looks in the
file's terms (`current`), what a row must agree with elsewhere (`check`) and how to write
new and changed rows in bulk (`write`). Reading, diffing and applying are generic
(`minxin.cityfile.book`, `minxin.cityfile.plan`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from minxin.cityfile.book import Book

Key = tuple[Any, ...]
Values = dict[str, Any]

TRUE_WORDS = {"是", "true", "yes", "y", "1", "√", "✓"}
FALSE_WORDS = {"否", "false", "no", "n", "0", ""}


class CellError(ValueError):
    """A cell that cannot be read as its column's type; the message is Chinese."""


@dataclass(frozen=True)
class Column:
    key: str  # the English name, also accepted as a header
    title: str  # the Chinese header
    kind: str = "text"  # text | int | bool | date
    required: bool = False
    default: Any = None
    choices: tuple[tuple[str, str], ...] = ()  # (stored value, label); both accepted
    stored: bool = True  # False: written on export and checked, never saved
    help: str = ""

    def parse(self, raw: Any) -> Any:
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if self.required:
                raise CellError("不能为空")
            return self.default
        return getattr(self, f"_parse_{self.kind}")(raw)

    def show(self, value: Any) -> Any:
        """The value as the file writes it."""
        if value is None:
            return None
        if self.kind == "bool":
            return "是" if value else "否"
        for stored, label in self.choices:
            if stored == value:
                return label
        return value

    def _parse_text(self, raw: Any) -> str:
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)  # a code typed as a number: 101, not 101.0
        if isinstance(raw, dt.datetime | dt.date):
            raise CellError("应为文字，不是日期")
        text = str(raw).strip()
        if not self.choices:
            return text
        for stored, label in self.choices:
            if text in (stored, label):
                return stored
        allowed = "、".join(label for _, label in self.choices)
        raise CellError(f"“{text}”不是可选值（可选：{allowed}）")

    def _parse_int(self, raw: Any) -> int:
        if isinstance(raw, bool):
            raise CellError("应为整数")
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        if isinstance(raw, str) and raw.strip().isdigit():
            raw = int(raw.strip())
        if not isinstance(raw, int) or raw < 0 or raw > 32767:
            raise CellError(f"“{raw}”不是 0 到 32767 之间的整数")
        return raw

    def _parse_bool(self, raw: Any) -> bool:
        if isinstance(raw, bool):
            return raw
        word = str(raw).strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise CellError(f"“{raw}”应填“是”或“否”")

    def _parse_date(self, raw: Any) -> dt.date:
        if isinstance(raw, dt.datetime):
            return raw.date()
        if isinstance(raw, dt.date):
            return raw
        try:
            return dt.date.fromisoformat(str(raw).strip())
        except ValueError:
            raise CellError(f"“{raw}”不是日期（格式 2026-10-01）") from None


@dataclass
class Row:
    number: int  # the spreadsheet's own row number, header = 1
    values: Values  # only the columns the file has

    def get(self, key: str) -> Any:
        return self.values.get(key)


@dataclass(frozen=True)
class Problem:
    sheet: Sheet | None
    row: int | None
    message: str
    column: str = ""

    def __str__(self) -> str:
        where = []
        if self.sheet is not None:
            where.append(f"工作表“{self.sheet.title}”({self.sheet.key})")
        if self.row is not None:
            where.append(f"第 {self.row} 行")
        if self.column:
            where.append(f"“{self.column}”列")
        return f"{' '.join(where)}：{self.message}" if where else self.message


@dataclass
class Sheet:
    """One sheet of the city file. Subclasses set the class attributes and the three hooks."""

    key: ClassVar[str]
    title: ClassVar[str]
    about: ClassVar[str]
    columns: ClassVar[tuple[Column, ...]]
    key_columns: ClassVar[tuple[str, ...]]
    rows: list[Row] = field(default_factory=list)

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def key_of(self, values: Values) -> Key:
        return tuple(values.get(k) for k in self.key_columns)

    def problem(self, row: Row | None, message: str, column: str = "") -> Problem:
        title = self.column(column).title if column else ""
        return Problem(self, row.number if row else None, message, title)

    def current(self) -> dict[Key, Values]:
        """The database's rows in the file's terms, in the order an export lists them."""
        raise NotImplementedError

    def check(self, book: Book) -> Iterator[Problem]:
        """Problems of this sheet's rows against the rest of the file and the database."""
        return iter(())

    def write(self, new: list[Row], changed: list[Row], book: Book) -> None:
        raise NotImplementedError

    def stored_columns(self) -> Iterable[Column]:
        return (c for c in self.columns if c.stored)
