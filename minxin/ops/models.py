from django.db import models


class TaskRun(models.Model):
    """The last run of each periodic task, written by the worker that ran it, read by
    `/metrics` on any node (a worker's own memory is not visible to the app servers)."""

    name = models.CharField("任务", max_length=100, unique=True)
    started_at = models.DateTimeField("开始")
    duration_seconds = models.FloatField("用时（秒）")
    ok = models.BooleanField("成功")
    runs = models.PositiveBigIntegerField("运行次数", default=0)
    failures = models.PositiveBigIntegerField("失败次数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "定时任务运行"

    def __str__(self) -> str:
        return self.name


class BenchRow(models.Model):
    """One row a call of the benchmark-only insert endpoint writes (`ops.bench`): the
    yardstick for a submission (docs/benchmarks.md). Empty unless MINXIN_BENCH_ENDPOINTS."""

    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.at}"
