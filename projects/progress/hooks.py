"""Where the progress workflow lets the apps above it take part without importing them: the upper app
connects here in its AppConfig.ready() (investment/apps.py is the one that does)."""

from django.dispatch import Signal

# Sent with `project_id` inside the transaction of an approval that changes what a project counts, so a receiver
# can record the work it owes in the same transaction; receivers start nothing before the commit.
# investment/apps.py connects the project's roll-up (investment.rollups.services, queued after commit) to it.
progress_counted = Signal()

# The history-tracked models, beside the register's own, whose rows have a `project` and belong to a
# project's change history, as (model, relations shown by name). investment/apps.py adds Figure.
project_history_models: list[tuple[type, tuple[str, ...]]] = []
