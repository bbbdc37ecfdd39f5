"""The holiday calendar and the staff accounts (never a password: new accounts get a
one-time set-password link, `minxin.cityfile.invites`)."""

from __future__ import annotations

from collections.abc import Iterator

from minxin.accounts.models import UNIT_ROLES, Role, User
from minxin.cityfile.book import Book
from minxin.cityfile.spec import Column, Key, Problem, Row, Sheet, Values
from minxin.org.models import Unit
from minxin.sla.models import Holiday, HolidayYear


class HolidayYears(Sheet):
    key = "holiday_years"
    title = "放假安排年度"
    about = "全年放假安排已完整录入的年份；没有列出的年份按 chinesecalendar 包或周一至周五计算"
    columns = (
        Column("year", "年份", "int", required=True),
        Column("complete", "全年安排已录入", "bool", default=True),
        Column("note", "来源/备注", default=""),
    )
    key_columns = ("year",)

    def current(self) -> dict[Key, Values]:
        return {
            (r["year"],): dict(r) for r in HolidayYear.objects.values("year", "complete", "note")
        }

    def write(self, new: list[Row], changed: list[Row], book: Book) -> None:
        for row in new + changed:
            HolidayYear.objects.update_or_create(
                year=row.get("year"), defaults={k: v for k, v in row.values.items() if k != "year"}
            )


class Holidays(Sheet):
    key = "holidays"
    title = "节假日"
    about = "法定节假日（放假）和调休上班日；优先于 chinesecalendar 包"
    columns = (
        Column("date", "日期", "date", required=True, help="2026-10-01"),
        Column("is_workday", "上班", "bool", required=True, help="是：调休上班日；否：放假"),
        Column("name", "名称", default="", help="如 国庆节"),
    )
    key_columns = ("date",)

    def current(self) -> dict[Key, Values]:
        rows = Holiday.objects.values("date", "is_workday", "name")
        return {(r["date"],): dict(r) for r in rows}

    def write(self, new: list[Row], changed: list[Row], book: Book) -> None:
        Holiday.objects.bulk_create([Holiday(**r.values) for r in new])
        by_date = Holiday.objects.in_bulk([r.get("date") for r in changed], field_name="date")
        for row in changed:
            for field, value in row.values.items():
                setattr(by_date[row.get("date")], field, value)
        Holiday.objects.bulk_update(list(by_date.values()), ["is_workday", "name"])


class Staff(Sheet):
    key = "staff"
    title = "工作人员"
    about = (
        "工作人员账号；不含密码：新账号导入时生成一次性设置密码链接（有邮箱且已配置邮件时发邮件）"
    )
    columns = (
        Column("username", "用户名", required=True),
        Column("display_name", "姓名", default=""),
        Column("role", "角色", required=True, choices=tuple(Role.choices)),
        Column("unit", "所属单位编码", help="承办人员、单位负责人必填"),
        Column("email", "邮箱", default=""),
        Column("mobile", "工作手机", default="", help="值班时接收紧急诉求告警"),
        Column("active", "启用", "bool", default=True),
    )
    key_columns = ("username",)
    FIELDS = {"display_name": "display_name", "role": "role", "email": "email"}
    FIELDS |= {"mobile": "mobile", "active": "is_active"}

    def current(self) -> dict[Key, Values]:
        rows = User.objects.order_by("id").values(
            "username", "display_name", "role", "unit__code", "email", "mobile", "is_active"
        )
        return {
            (r["username"],): {
                "username": r["username"],
                "display_name": r["display_name"],
                "role": r["role"],
                "unit": r["unit__code"],
                "email": r["email"],
                "mobile": r["mobile"],
                "active": r["is_active"],
            }
            for r in rows
        }

    def check(self, book: Book) -> Iterator[Problem]:
        # An account made before (`createsuperuser` makes a unitless handler) is taken as it
        # is, so that an export of any database imports back.
        existing = set(User.objects.filter(unit=None).values_list("username", flat=True))
        for row in self.rows:
            unit = row.get("unit")
            if len(row.get("username")) > 150:
                yield self.problem(row, "用户名最长 150 个字符", "username")
            if unit and unit not in book.units:
                yield self.problem(row, f"单位“{unit}”不存在", "unit")
            elif not unit and row.get("role") in UNIT_ROLES and row.get("username") not in existing:
                role = Role(row.get("role")).label
                yield self.problem(row, f"角色“{role}”必须填写所属单位", "unit")

    def write(self, new: list[Row], changed: list[Row], book: Book) -> None:
        units = dict(Unit.objects.values_list("code", "id"))
        created = []
        for row in new:
            user = User(username=row.get("username"), role=row.get("role"))
            user.is_staff = user.is_superuser = row.get("role") == Role.ADMIN
            user.set_unusable_password()  # until the person sets one through the link
            created.append(user)
        User.objects.bulk_create(created, batch_size=1000)
        rows = new + changed
        by_name = User.objects.in_bulk([r.get("username") for r in rows], field_name="username")
        touched = set()
        for row in rows:
            user = by_name[row.get("username")]
            for column, attribute in self.FIELDS.items():
                if column in row.values:
                    setattr(user, attribute, row.values[column])
                    touched.add(attribute)
            if "unit" in row.values:
                user.unit_id = units.get(row.get("unit"))
                touched.add("unit_id")
        if touched:
            User.objects.bulk_update(list(by_name.values()), sorted(touched), batch_size=1000)
        book.new_accounts = [r.get("username") for r in new]
