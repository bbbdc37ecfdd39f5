"""The editable holiday table. Its rows win over the chinesecalendar package."""

from __future__ import annotations

from django.db import models


class Holiday(models.Model):
    date = models.DateField("日期", unique=True)
    is_workday = models.BooleanField("是否上班", help_text="勾选表示调休上班日；不勾选表示放假")
    name = models.CharField("名称", max_length=50, blank=True)

    class Meta:
        verbose_name = "节假日/调休"
        verbose_name_plural = "节假日/调休"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'上班' if self.is_workday else '放假'} {self.name}"


class HolidayYear(models.Model):
    """A year whose whole schedule an administrator has entered in the table above."""

    year = models.PositiveSmallIntegerField("年份", unique=True)
    complete = models.BooleanField("全年安排已录入", default=True)
    note = models.CharField("来源/备注", max_length=200, blank=True)

    class Meta:
        verbose_name = "年度放假安排"
        verbose_name_plural = "年度放假安排"
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarFallback(models.Model):
    """A year for which deadlines were counted on plain weekdays because data was missing."""

    year = models.PositiveSmallIntegerField("年份", unique=True)
    first_seen = models.DateTimeField("首次发生", auto_now_add=True)

    class Meta:
        verbose_name = "缺失放假数据的年份"
        verbose_name_plural = "缺失放假数据的年份"

    def __str__(self) -> str:
        return f"{self.year}年放假安排缺失，按周一至周五计算"
