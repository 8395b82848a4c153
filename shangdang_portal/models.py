"""The portal's own rows: background work asked for by a committed write and not yet done; large exports."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PendingTask(models.Model):
    """A Celery task that a write asked for, stored in the same transaction as the write.

    The row says "this work is owed" until the task has run successfully, so a broker that is down when the
    write commits loses nothing: the sweep (`shangdang_portal.outbox.requeue_pending`) sends it again.
    """

    task = models.CharField(_("任务"), max_length=200)
    args = models.JSONField(_("参数"), default=list)
    # The task name and its arguments as one string: what the sweep groups by and a finished task clears.
    key = models.CharField(_("键"), max_length=500, db_index=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True, db_index=True)
    queued_at = models.DateTimeField(_("交给队列的时间"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("交付次数"), default=0)
    last_error = models.TextField(_("最近的错误"), blank=True)

    class Meta:
        verbose_name = _("待执行任务")
        verbose_name_plural = _("待执行任务")
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.key


class ExportJob(models.Model):
    """A list export too large to be the answer to its request (export.py), written to a file by a task.

    The id is a random UUID: it is the only key to an anonymous caller's file, so it cannot be guessed. A
    signed-in caller's job is read by that user only. Files and rows older than EXPORT_KEEP_HOURS are removed
    by the beat task `shangdang_portal.exports_cleanup`.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), null=True, blank=True, on_delete=models.CASCADE
    )
    # The list's viewset (dotted path) and its query string: the task builds the same filtered queryset.
    view = models.CharField(_("列表"), max_length=200)
    query = models.TextField(_("查询参数"), blank=True)
    format = models.CharField(_("格式"), max_length=10)
    # The request's language: headers, choice labels and 是/否 as the inline export would have written them.
    language = models.CharField(_("语言"), max_length=10, blank=True)
    filename = models.CharField(_("文件名"), max_length=200)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    # Counted when asked; the rows written once done.
    rows = models.PositiveIntegerField(_("行数"), default=0)
    file = models.FileField(_("文件"), upload_to="exports/", blank=True, max_length=300)
    error = models.TextField(_("错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.filename}.{self.format} ({self.status})"
