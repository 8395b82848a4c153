"""Two staff saving the same report at the same moment on PostgreSQL: one wins, the other is told."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from projects.models import ProgressReport
from projects.progress import services


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_writers_never_overwrite_each_other(project, staff_user, months):
    report = services.progress_report_create(
        project=project, period=months[0], actor=staff_user, investment_completed=Decimal("1")
    )
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def write(narrative: str) -> None:
        try:
            barrier.wait(timeout=10)
            services.progress_report_update(report=report, version=1, actor=staff_user, narrative=narrative)
            outcomes[narrative] = "saved"
        except services.ConflictError as exc:
            outcomes[narrative] = exc
        finally:
            # Each thread opened its own connection; close it so the test database can be dropped.
            connection.close()

    threads = [threading.Thread(target=write, args=(text,)) for text in ("甲的内容", "乙的内容")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    winners = [text for text, result in outcomes.items() if result == "saved"]
    losers = [result for result in outcomes.values() if isinstance(result, services.ConflictError)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    assert losers[0].current_version == 2
    stored = ProgressReport.objects.get(pk=report.pk)
    assert stored.narrative == winners[0] and stored.version == 2
    assert ProgressReport.history.filter(id=report.pk).count() == 2
