from importlib import import_module

from django.apps import AppConfig
from django.utils.module_loading import module_has_submodule


class StudioConfig(AppConfig):
    """The composition studio.

    ``studio/models/`` is the torch package (DESIGN.md), so the Django models of this app
    live in ``studio/records.py``; this config loads them from there instead.
    """

    name = "studio"
    verbose_name = "Studio"

    def import_models(self):
        self.models = self.apps.all_models[self.label]
        if module_has_submodule(self.module, "records"):
            self.models_module = import_module(f"{self.name}.records")
