"""Account-wide operations: export everything of a user, delete everything of a user."""
from importlib import import_module

from django.apps import apps
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import module_has_submodule


def _exporters():
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "exports"):
            module = import_module(f"{config.name}.exports")
            yield config.label, module.export_user_data


def export_user_data(user):
    """Everything Motif holds about ``user``, as JSON-ready data, one section per app."""
    profile = user.profile
    data = {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "username": user.get_username(),
            "email": user.email,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "profile": {
            "display_name": profile.display_name,
            "instruments": profile.instruments,
            "genres": profile.genres,
            "personalisation_paused": profile.personalisation_paused,
        },
        "api_tokens": [
            {"name": t.name, "prefix": t.prefix, "created_at": t.created_at.isoformat()}
            for t in user.api_tokens.all()
        ],
    }
    for label, exporter in _exporters():
        data[label] = exporter(user)
    return data


def delete_account(user):
    """Delete the user and, through cascades and ``pre_delete`` handlers, all their data."""
    with transaction.atomic():
        user.delete()
