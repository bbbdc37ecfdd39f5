"""Every sheet of a city file, in the order they are loaded: a sheet may refer only to
itself and to the sheets before it. A new sheet is one more `Sheet` subclass here."""

from __future__ import annotations

from minxin.cityfile.sheets.duty import LabelMappings, Responsibilities, TimeLimits
from minxin.cityfile.sheets.org import Categories, RequestTypes, Units
from minxin.cityfile.sheets.people import Holidays, HolidayYears, Staff
from minxin.cityfile.spec import Sheet

SHEETS: list[type[Sheet]] = [
    RequestTypes,
    Units,
    Categories,
    Responsibilities,
    TimeLimits,
    LabelMappings,
    HolidayYears,
    Holidays,
    Staff,
]
