"""The shared package as an app: connects what holds for every model of every app."""

from django.apps import AppConfig
from django.db.models.signals import pre_save


class ShangdangPortalConfig(AppConfig):
    name = "shangdang_portal"

    def ready(self) -> None:
        from .text import strip_control_characters

        pre_save.connect(strip_control_characters, dispatch_uid="shangdang_portal.text.strip_control_characters")
