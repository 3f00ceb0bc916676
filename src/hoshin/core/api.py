"""Building blocks shared by every app's REST API routers: the error shape, input
schemas that tell "not sent" from "null", and pagination that serialises a whole page
at once (so related rows are fetched with one query per relation, never one per item)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Annotated, Any

from django.conf import settings
from django.db.models import QuerySet
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination
from annotated_types import Ge, Gt, Le, Lt, MaxLen
from pydantic import BeforeValidator, ConfigDict, Strict, WithJsonSchema

from hoshin.core import limits
from hoshin.core.errors import NotFound


class FieldErrorOut(Schema):
    field: str = Field(..., description='Path of the offending field, e.g. "key_results[0].owner"; '
                                        '"" when the error is not about one field.')
    message: str


class ErrorOut(Schema):
    detail: str = Field(..., description="What went wrong, in one sentence.")
    errors: list[FieldErrorOut] = Field(..., description="One entry per offending field.")


# Every operation may answer with these; listing them keeps the OpenAPI document honest.
ERRORS: dict[Any, type[Schema]] = {frozenset({400, 401, 403, 404, 409, 413, 422, 500}):
                                    ErrorOut}


def _drop_null_defaults(schema: dict, _model=None) -> None:
    # An optional input field left out means "unchanged", which `default: null` would
    # misstate (and for a non-nullable field it contradicts the field's type).
    for prop in schema.get("properties", {}).values():
        if "default" in prop and prop["default"] is None:
            del prop["default"]


def _stopping_needs_a_reason(schema: dict, model=None) -> None:
    """Stopping work (an initiative's status "cancelled") is refused without a reason
    (okrs' ReasonRequired, 422): stated in the document, so that a client, or a fuzzer,
    does not take such a body for a valid one. Pausing (started work back to
    not_started) needs one too, but that depends on the stored status, which no schema
    sees; the field's description says so."""
    _drop_null_defaults(schema, model)
    schema["if"] = {"properties": {"status": {"const": "cancelled"}}, "required": ["status"]}
    schema["then"] = {"properties": {"reason": {"type": "string", "pattern": r"\S"}},
                      "required": ["reason"]}


# An input with a `status` and a `reason` for an initiative: `model_config = STOPPING`.
STOPPING = ConfigDict(json_schema_extra=_stopping_needs_a_reason)


# The types of request fields, from the one set of limits (core/limits.py) the forms, the
# CLI and the plan file use too. Strict: `true` is not a number, 1.5 or "5" not an
# integer, a number is not a date, so nothing is guessed at.
MEASURE_LIMIT = limits.MEASURE_LIMIT
Measure = Annotated[float, Strict(), Field(ge=-MEASURE_LIMIT, le=MEASURE_LIMIT)]
# A key result's weight is relative to its siblings'.
Weight = Annotated[float, Strict(), Field(gt=0, le=limits.WEIGHT_MAX)]


def _whole(value: Any) -> Any:
    # JSON has one kind of number, and JSON Schema counts 5.0 as an integer: take it as 5
    # (1.5 and `true` stay refused by the strict type).
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def whole(*bounds) -> Any:
    """A whole number as JSON Schema means it (5 or 5.0, never 5.5, "5" or true) within
    these bounds. The bounds come before the conversion so the document states them as
    minimum/maximum."""
    return Annotated[(int, Strict(), *bounds, BeforeValidator(_whole))]


Whole = whole()
Confidence = whole(Ge(limits.CONFIDENCE_MIN), Le(limits.CONFIDENCE_MAX))
# Any other whole number: what every database's integer column holds.
Count = whole(Ge(-(2**31)), Le(2**31 - 1))


def _day(value: Any) -> dt.date:
    return limits.parse_day(value)


Day = Annotated[dt.date, BeforeValidator(_day), WithJsonSchema(
    {"type": "string", "format": "date", "pattern": limits.DATE_PATTERN})]


def _text(name: str) -> Any:
    return Annotated[str, Strict(), Field(max_length=limits.length_of(name))]


# A field written as one of these plain types gets the limit of its kind: its type made
# strict and bounded, text its length by name (limits.FIELD_LENGTHS).
_PLAIN_TYPES: dict[str, Callable[[str], Any]] = {
    "str": _text,
    "str | None": lambda name: _text(name) | None,
    "list[str]": lambda name: list[_text(name)],
    "list[str] | None": lambda name: list[_text(name)] | None,
    "dict[str, str]": lambda name: dict[_text("id"), _text(name)],
    "int": lambda name: Count,
    "int | None": lambda name: Count | None,
    "float": lambda name: Measure,
    "float | None": lambda name: Measure | None,
    "dt.date": lambda name: Day,
    "dt.date | None": lambda name: Day | None,
}

# The same written without `from __future__ import annotations`.
_PLAIN_NAMES: dict[Any, str] = {str: "str", str | None: "str | None", list[str]: "list[str]",
                                int: "int", int | None: "int | None", float: "float",
                                float | None: "float | None", dt.date: "dt.date",
                                dt.date | None: "dt.date | None"}


def _plain_name(annotation: Any) -> str | None:
    if isinstance(annotation, str):
        return annotation
    try:
        return _PLAIN_NAMES.get(annotation)
    except TypeError:  # unhashable: not a plain type
        return None


def bound_plain_fields(cls) -> None:
    """Give a model's plainly typed fields the limits of their kind. Called from a model's
    __init_subclass__, before pydantic reads the fields, so every request body (and the
    plan file) gets the same limits without each field repeating them; a field with its
    own bound keeps it."""
    annotations = cls.__dict__.get("__annotations__", {})
    for name, annotation in list(annotations.items()):
        plain = _plain_name(annotation)
        if plain not in _PLAIN_TYPES:
            continue
        if not _has_own_limit(cls.__dict__.get(name)):
            annotations[name] = _PLAIN_TYPES[plain](name)
        elif plain.startswith(("list", "dict")):
            # A list's own limit is on its length: its items are bounded all the same.
            annotations[name] = _PLAIN_TYPES[plain](name)
        elif plain.startswith("int"):
            # Its own bounds stand, moved onto the number itself so that an optional
            # field's document says minimum/maximum (not pydantic's raw ge/le); 5.0 is 5.
            info = cls.__dict__[name]
            bounds = [m for m in info.metadata if isinstance(m, (Ge, Le, Gt, Lt))]
            info.metadata = [m for m in info.metadata if m not in bounds]
            bounded = whole(*bounds)
            annotations[name] = bounded | None if plain.endswith("None") else bounded


def _has_own_limit(default: Any) -> bool:
    metadata = getattr(default, "metadata", ())
    return any(isinstance(m, (MaxLen, Ge, Le, Gt, Lt)) for m in metadata)


class Input(Schema):
    """Request bodies reject unknown fields, so a typo ("reson") is an error, not a no-op.

    Optional fields declared as ``name: str = Field(None)`` may be left out but not sent
    as null: pydantic does not validate the default, and an explicit null fails the type.
    """

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, strict=True,
                              json_schema_extra=_drop_null_defaults)

    def __init_subclass__(cls, **kwargs):
        bound_plain_fields(cls)
        super().__init_subclass__(**kwargs)

    def given(self) -> dict[str, Any]:
        """Only the fields the client sent, for the services' keyword arguments."""
        return self.model_dump(exclude_unset=True)


class Listing:
    """A list endpoint's result: the rows to page through and how to serialise one page."""

    def __init__(self, queryset: QuerySet, serialize: Callable[[list], Sequence[dict]]):
        self.queryset = queryset
        self.serialize = serialize


def one(model, key: str, *related):
    """The plan element with this id, or a 404 naming it."""
    obj = model.objects.select_related(*related).filter(key=key).first()
    if obj is None:
        raise NotFound.field("id", f'unknown {model._meta.verbose_name} "{key}"')
    return obj


def live(queryset: QuerySet, archived: bool = False) -> QuerySet:
    """Archived plan elements stay readable but are left out of lists unless asked for."""
    return queryset if archived else queryset.filter(archived_at__isnull=True)


class Pagination(LimitOffsetPagination):
    """`?limit=&offset=` → {"items": [...], "count": N}."""

    class Input(Schema):
        limit: int = Field(settings.NINJA_PAGINATION_PER_PAGE, ge=1,
                           le=settings.NINJA_PAGINATION_MAX_LIMIT,
                           description="How many items to return.")
        # Bounded so that no database is asked for an offset it cannot represent.
        offset: int = Field(0, ge=0, le=2**31 - 1, description="How many items to skip.")

    def paginate_queryset(self, queryset, pagination, request, **params):
        if not isinstance(queryset, Listing):
            return super().paginate_queryset(queryset, pagination, request, **params)
        limit = min(pagination.limit, self.max_limit)
        offset = pagination.offset
        rows = list(queryset.queryset[offset:offset + limit])
        if offset == 0 and len(rows) < limit:
            count = len(rows)  # the whole list fits on this page: no COUNT query needed
        else:
            count = queryset.queryset.count()
        return {self.items_attribute: list(queryset.serialize(rows)), "count": count}
