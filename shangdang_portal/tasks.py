"""The portal's own tasks: sending again the work a broker outage left owed; writing and cleaning large exports."""

from celery import shared_task

from .outbox import requeue_pending


@shared_task(name="shangdang_portal.requeue_pending")
def requeue_pending_task() -> dict:
    return requeue_pending()


@shared_task(name="shangdang_portal.export_run")
def export_run_task(job_id: str) -> str:
    from .export_jobs import export_run

    return export_run(job_id)


@shared_task(name="shangdang_portal.exports_cleanup")
def exports_cleanup_task() -> int:
    from .export_jobs import exports_cleanup

    return exports_cleanup()
