"""Where the progress workflow lets the apps above it take part without importing them: the upper app
connects here in its AppConfig.ready() (investment/apps.py is the one that does)."""

from django.dispatch import Signal

# Sent with `project_id` once an approval that changes what a project counts has committed.
# investment/apps.py connects the project's roll-up (investment.rollups.services) to it.
progress_counted = Signal()

# The history-tracked models, beside the register's own, whose rows have a `project` and belong to a
# project's change history, as (model, relations shown by name). investment/apps.py adds Figure.
project_history_models: list[tuple[type, tuple[str, ...]]] = []
