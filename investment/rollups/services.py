"""How a change elsewhere asks for the roll-up: owed from its transaction on, queued once it has committed
(shangdang_portal.outbox, so a broker that is down loses nothing)."""

from __future__ import annotations

from shangdang_portal.outbox import queue_after_commit


def rollup_project_on_commit(*, project_id: int, **kwargs) -> None:
    """For any service that changes what a project counts (approving a progress report does). Also the receiver
    of projects.progress.hooks.progress_counted and projects.hooks.register_changed (investment/apps.py)."""
    from ..tasks import rollup_project_task

    queue_after_commit(rollup_project_task, project_id)


def rollup_target_on_commit(*, target_id: int) -> None:
    """For any service that changes a target: the scopes that use it are rolled up again."""
    from ..tasks import rollup_target_task

    queue_after_commit(rollup_target_task, target_id)


def rollup_year_on_commit(*, year: int) -> None:
    """For a change that may touch any scope of a campaign year."""
    from ..tasks import rollup_year_task

    queue_after_commit(rollup_year_task, year)
