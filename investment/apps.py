from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvestmentConfig(AppConfig):
    name = "investment"
    verbose_name = _("投资与指标")

    def ready(self):
        # The progress workflow sits below this app and cannot call it: the roll-up and the figures'
        # part of a project's history are registered on projects/progress/hooks.py instead.
        from projects import hooks as register_hooks
        from projects.progress import hooks

        from .models import Figure
        from .rollups.services import rollup_project_on_commit

        hooks.progress_counted.connect(rollup_project_on_commit, dispatch_uid="investment.rollup_project")
        register_hooks.register_changed.connect(
            rollup_project_on_commit, dispatch_uid="investment.rollup_project_register"
        )
        if not any(model is Figure for model, _ in hooks.project_history_models):
            hooks.project_history_models.append((Figure, ("project", "indicator")))
