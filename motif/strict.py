"""Input validated exactly as the API schema documents it: a value the schema does not allow is a 400
with a sentence (never a silent "no filter" or a guess), and a value it allows is not refused."""
from __future__ import annotations

import re
from collections.abc import Mapping

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.fields import empty

LARGEST_ID = 2**63 - 1
NO_NUL_PATTERN = "^[^\\x00]*$"
NOT_BLANK = RegexValidator(r"^[^\x00]*[^\s\x00][^\x00]*$", _("Write something here (not only spaces)."))
WHOLE_NUMBER = re.compile(r"-?[0-9]+")
ID_LIST_PATTERN = r"^[0-9]{1,18}(,[0-9]{1,18})*$"


TYPE_MESSAGES = {
    "boolean": _("Give true or false."),
    "integer": _("Give a whole number."),
    "number": _("Give a number."),
    "string": _("Give text (in quotes)."),
}


def _json_type(field) -> str | None:
    """The JSON type a field documents (None where DRF already refuses other types)."""
    if isinstance(field, serializers.BooleanField):
        return "boolean"
    if isinstance(field, serializers.IntegerField):
        return "integer"
    if isinstance(field, serializers.FloatField):
        return "number"
    if isinstance(field, serializers.ChoiceField):
        return "integer" if all(isinstance(c, int) for c in field.choices) else "string"
    if isinstance(field, serializers.CharField):
        return "string"
    return None


def _has_type(value, json_type: str) -> bool:
    if json_type == "boolean":
        return isinstance(value, bool)
    if isinstance(value, bool):
        return False
    if json_type == "integer":
        return isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if json_type == "number":
        return isinstance(value, (int, float))
    return isinstance(value, str)


class StrictTypesMixin:
    """For a serializer of JSON bodies: each value must have the documented JSON type (DRF alone takes
    ``"5"`` for 5, ``0`` for ``"0"`` and ``1`` for true). Form and query data (all text) is left to DRF."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping) and not hasattr(data, "getlist"):
            errors = {}
            for name, field in self.fields.items():
                json_type = None if field.read_only else _json_type(field)
                value = data.get(name)
                if json_type and value is not None and not _has_type(value, json_type):
                    errors[name] = [TYPE_MESSAGES[json_type]]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class WholeNumberField(serializers.IntegerField):
    """An integer written as digits only (DRF's own field also takes ``5.0`` and spaces)."""

    def to_internal_value(self, data):
        if isinstance(data, str) and not WHOLE_NUMBER.fullmatch(data):
            self.fail("invalid")
        return super().to_internal_value(data)


class IdListField(serializers.CharField):
    """Comma-separated object ids, e.g. ``3,14,15``; validated into a list of ints."""

    default_error_messages = {"ids": _("Give ids separated by commas, e.g. 3,14,15.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 2000)
        super().__init__(**kwargs)
        self.validators.append(RegexValidator(ID_LIST_PATTERN, message=self.error_messages["ids"]))

    def run_validation(self, data=empty):
        return [int(part) for part in super().run_validation(data).split(",")]


def validated_query(request, serializer_class) -> dict:
    """``request``'s query parameters checked by ``serializer_class``; a 400 naming each bad parameter."""
    serializer = serializer_class(data=request.query_params.dict())
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def choice_list(value: str, choices, name: str) -> list[str]:
    """A comma-separated list of ``choices`` (a ``style: form, explode: false`` array parameter)."""
    parts = value.split(",")
    if not all(part in choices for part in parts):
        raise serializers.ValidationError(
            {name: [_("Choose from: %(choices)s (separated by commas).") % {"choices": ", ".join(choices)}]}
        )
    return parts
