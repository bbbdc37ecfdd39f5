"""Loading a city file: read and check everything, plan, and (with commit) write it all in
one transaction. Nothing is written when any row has a problem."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from minxin.cityfile.book import read_book
from minxin.cityfile.plan import SheetPlan, book_plan, plan_apply, plan_render
from minxin.cityfile.sheets import SHEETS
from minxin.cityfile.spec import Problem


@dataclass
class Loaded:
    problems: list[Problem] = field(default_factory=list)
    plans: list[SheetPlan] = field(default_factory=list)
    new_accounts: list[str] = field(default_factory=list)
    committed: bool = False

    @property
    def changed(self) -> bool:
        return any(not p.empty for p in self.plans)

    def diff(self) -> str:
        return plan_render(self.plans)


def city_import(*, path: Path, commit: bool) -> Loaded:
    book, problems = read_book(path, SHEETS)
    if problems:
        return Loaded(problems=problems)
    plans = book_plan(book, SHEETS)
    loaded = Loaded(plans=plans)
    if commit and loaded.changed:
        plan_apply(book, plans)
        loaded.committed = True
        loaded.new_accounts = book.new_accounts
    return loaded
