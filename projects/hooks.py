"""Where the project register lets the apps above it take part without importing them: the upper app connects
here in its AppConfig.ready() (investment/apps.py connects the project's roll-up)."""

from django.dispatch import Signal

# Sent with `project_id` inside the transaction of a change to what a project counts in the roll-ups (a milestone's
# dates or batch), so the receiver records the work it owes with the change; it starts nothing before the commit.
register_changed = Signal()
