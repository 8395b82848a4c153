"""How a change elsewhere asks for the roll-up: queued once its transaction has committed."""

from __future__ import annotations

from django.db import transaction


def rollup_project_on_commit(*, project_id: int) -> None:
    """For any service that changes what a project counts (approving a progress report does)."""
    from ..tasks import rollup_project_task

    transaction.on_commit(lambda: rollup_project_task.delay(project_id))


def rollup_target_on_commit(*, target_id: int) -> None:
    """For any service that changes a target: the scopes that use it are rolled up again."""
    from ..tasks import rollup_target_task

    transaction.on_commit(lambda: rollup_target_task.delay(target_id))


def rollup_year_on_commit(*, year: int) -> None:
    """For a change that may touch any scope of a campaign year."""
    from ..tasks import rollup_year_task

    transaction.on_commit(lambda: rollup_year_task.delay(year))


def rollup_project_after_progress(*, project_id: int, **kwargs) -> None:
    """Receiver of projects.progress.hooks.progress_counted (connected in investment/apps.py): sent after
    the approval committed, so the task is queued at once."""
    from ..tasks import rollup_project_task

    rollup_project_task.delay(project_id)
