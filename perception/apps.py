from django.apps import AppConfig


class PerceptionConfig(AppConfig):
    name = "perception"
    verbose_name = "Analysis"
