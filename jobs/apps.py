from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = "Jobs"

    def ready(self):
        """Import every app's ``tasks`` module so their job handlers are registered."""
        autodiscover_modules("tasks")
