"""Job messages kept as their source text and parameters, shown in each viewer's language.

A job's progress message or error is written once, by a worker, but read by people whose
language may differ from the one the job was started in (or who switched since). Modules that
write job messages import ``translatable as _``: ``_("Step %(step)d of %(steps)d") % {...}``
then reads as usual (it is a ``str`` in the active language) and is still marked for
makemessages, but it also remembers its source and parameters. The Job row's message and error
fields store those (``MessageField``), and ``shown`` translates them when a page, the API or the
WebSocket shows them. Plain strings (older rows, texts from elsewhere) are stored and shown as
they are.
"""
import json

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation.trans_real import parse_accept_lang_header

MARK = "\u2063msg:"  # an invisible separator then "msg:": no sentence a person writes starts so


class Message(str):
    """A translatable sentence with its parameters, reading as its translation in the active language."""

    def __new__(cls, source, params=None):
        params = {k: v if isinstance(v, (int, float)) else str(v) for k, v in (params or {}).items()}
        text = super().__new__(cls, gettext(source) % params if params else gettext(source))
        text.source, text.params = source, params
        return text

    def __mod__(self, params):
        if not isinstance(params, dict):  # positional formatting has no names to keep
            return str.__mod__(self, params)
        return Message(self.source, params)

    def __str__(self):
        return self  # str(error) of an exception carrying a Message keeps the Message


def translatable(source):
    """``gettext`` for job messages: the translation now, the source kept for every later reader."""
    return Message(source)


def stored(text, limit=None):
    """What the database keeps for ``text``: the marked source and parameters of a ``Message``;
    anything else as plain text. Past ``limit`` characters the translation of the moment is kept
    instead (cut to the limit), since a cut source could not be read back."""
    if isinstance(text, Message):
        encoded = MARK + json.dumps({"source": text.source, "params": text.params}, ensure_ascii=False)
        if limit is None or len(encoded) <= limit:
            return encoded
    text = "" if text is None else str.__str__(text)
    return text[:limit] if limit else text


def shown(value):
    """A stored message in the active language."""
    if not value or not value.startswith(MARK):
        return value or ""
    try:
        data = json.loads(value[len(MARK):])
        return str.__str__(Message(data["source"], data["params"]))
    except (ValueError, KeyError, TypeError):
        return ""


class _StoresMessages:
    """A text column that stores a ``Message`` as its source and parameters. It deconstructs as
    the plain field it extends: the column is the same, so it needs no migration."""

    def get_prep_value(self, value):
        return stored(value if isinstance(value, Message) else super().get_prep_value(value), self.max_length)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        base = next(cls for cls in type(self).__mro__ if cls.__module__.startswith("django.db.models"))
        return name, f"django.db.models.{base.__name__}", args, kwargs


class MessageField(_StoresMessages, models.TextField):
    """A job's error: any length."""


class MessageCharField(_StoresMessages, models.CharField):
    """A job's progress message: up to ``max_length`` characters."""


def language_of(scope):
    """The language a WebSocket client reads: its language cookie, else its Accept-Language."""
    cookies = scope.get("cookies") or {}
    headers = dict(scope.get("headers") or [])
    wanted = [cookies.get(settings.LANGUAGE_COOKIE_NAME)]
    wanted += [code for code, _q in parse_accept_lang_header(headers.get(b"accept-language", b"").decode("latin-1"))]
    for code in filter(None, wanted):
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


def localise_event(event):
    """A job event for a client, in the active language: its label, message and error translated."""
    from jobs.registry import label_of

    sources = event.get("sources") or {}
    localised = {k: v for k, v in event.items() if k != "sources"}
    if "kind" in event:
        localised["label"] = label_of(event["kind"])
    for name in ("message", "error"):
        if name in sources or name in event:
            localised[name] = shown(sources.get(name, event.get(name)))
    return localised
