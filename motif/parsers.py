"""Request-body parsers for the whole API: bounded in size and nesting, refusing with JSON sentences.

Drop-in replacements for DRF's parsers of the same names (set as DEFAULT_PARSER_CLASSES; views that
name their parsers import these). A body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` is a 413, malformed or
too deeply nested JSON a 400, and never a 500: DRF's own JSON and form parsers read ``request.body``,
whose ``RequestDataTooBig`` escapes its error handling, and deep nesting makes the JSON decoder raise
``RecursionError`` (caught here; shallower nesting past the limit is measured without recursion).
The JSON and form parsers here deliberately do not subclass DRF's, which DRF special-cases.
"""
from __future__ import annotations

import json

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import parsers, status
from rest_framework.exceptions import APIException, ParseError

from motif import uploads

MAX_JSON_DEPTH = 64
_CONTAINERS = (list, dict)  # what json.loads builds, exactly


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = gettext_lazy("The request is too large.")
    default_code = "too_large"


def _body_limit() -> int:
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def too_large_message(limit: int) -> str:
    """The sentence for a request body over ``limit`` bytes (also used by the 400/413 error page)."""
    return _("The request is larger than %(limit)s. Send less data at once.") % {"limit": uploads.human_size(limit)}


def body_limit_of(exc: RequestDataTooBig) -> int:
    """The limit a too-large body broke: the upload handler's, or Django's for form fields."""
    return getattr(exc, "limit", _body_limit())


def _too_large(limit: int) -> RequestTooLarge:
    return RequestTooLarge(too_large_message(limit))


def read_bounded(stream, limit: int) -> bytes:
    """The body, reading at most ``limit`` + 1 bytes; :class:`RequestTooLarge` past the limit."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise _too_large(limit)
    return data


def json_depth(value, stop_after: int = MAX_JSON_DEPTH) -> int:
    """How deeply lists and dicts nest in a decoded JSON value, level by level without recursion;
    stops counting once past ``stop_after``."""
    if type(value) not in _CONTAINERS:
        return 0
    level, depth = [value], 0
    while level and depth <= stop_after:
        depth += 1
        level = [child for node in level for child in (node.values() if type(node) is dict else node)
                 if type(child) in _CONTAINERS]
    return depth


def _charset(parser_context, media_type) -> str:
    if "charset=" in (media_type or ""):
        return media_type.split("charset=", 1)[1].split(";")[0].strip().strip('"') or "utf-8"
    return (parser_context or {}).get("encoding") or settings.DEFAULT_CHARSET


def _too_deep() -> ParseError:
    return ParseError(_("The JSON nests arrays or objects more than %(limit)s levels deep.")
                      % {"limit": MAX_JSON_DEPTH})


def _too_many_fields() -> ParseError:
    return ParseError(_("The form has more than %(limit)s fields.") % {
        "limit": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS})


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")


class JSONParser(parsers.BaseParser):
    """JSON bodies within the size limit and :data:`MAX_JSON_DEPTH`; NaN and Infinity refused."""

    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None):
        data = read_bounded(stream, _body_limit())
        try:
            text = data.decode(_charset(parser_context, media_type))
        except (LookupError, UnicodeDecodeError):
            raise ParseError(_("The request body is not UTF-8 text; send JSON encoded as UTF-8.")) from None
        try:
            value = json.loads(text, parse_constant=_refuse_constant)
        except RecursionError:
            raise _too_deep() from None
        except json.JSONDecodeError as exc:
            raise ParseError(_("The request body is not valid JSON (error at line %(line)s, column %(column)s).")
                             % {"line": exc.lineno, "column": exc.colno}) from None
        except ValueError:  # NaN or Infinity
            message = _("The request body is not valid JSON (NaN and Infinity are not numbers in JSON).")
            raise ParseError(message) from None
        # Fewer brackets than the limit cannot nest past it: skip the walk for most bodies.
        if data.count(b"[") + data.count(b"{") > MAX_JSON_DEPTH and json_depth(value) > MAX_JSON_DEPTH:
            raise _too_deep()
        return value


class FormParser(parsers.BaseParser):
    """URL-encoded forms within the size and field-count limits."""

    media_type = "application/x-www-form-urlencoded"

    def parse(self, stream, media_type=None, parser_context=None):
        data = read_bounded(stream, _body_limit())
        try:
            return QueryDict(data, encoding=_charset(parser_context, media_type))
        except TooManyFieldsSent:
            raise _too_many_fields() from None
        except LookupError:
            raise ParseError(_("The form declares a character set we do not know; send it as UTF-8.")) from None


class MultiPartParser(parsers.MultiPartParser):
    """DRF's multipart parser, turning Django's size and field limits into 413/400 sentences (the body
    limit itself is :class:`motif.uploads.BoundedUploadHandler`'s)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RequestDataTooBig as exc:
            raise _too_large(body_limit_of(exc)) from None
        except TooManyFieldsSent:
            raise _too_many_fields() from None
        except TooManyFilesSent:
            raise ParseError(_("The form has more than %(limit)s files.") % {
                "limit": settings.DATA_UPLOAD_MAX_NUMBER_FILES}) from None
