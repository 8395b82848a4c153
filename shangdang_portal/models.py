"""The portal's own rows: background work asked for by a committed write and not yet done."""

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
