"""Building blocks shared by every app's REST API routers: the error shape, input
schemas that tell "not sent" from "null", and pagination that serialises a whole page
at once (so related rows are fetched with one query per relation, never one per item)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, Any

from django.conf import settings
from django.db.models import QuerySet
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination
from pydantic import ConfigDict

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


# Numbers people measure with. Bounded so that progress arithmetic stays finite (and the
# JSON answers valid); no real baseline, target or reading comes near.
MEASURE_LIMIT = 1e12
Measure = Annotated[float, Field(ge=-MEASURE_LIMIT, le=MEASURE_LIMIT)]
# A key result's weight is relative to its siblings'.
Weight = Annotated[float, Field(gt=0, le=1000)]


class Input(Schema):
    """Request bodies reject unknown fields, so a typo ("reson") is an error, not a no-op.

    Optional fields declared as ``name: str = Field(None)`` may be left out but not sent
    as null: pydantic does not validate the default, and an explicit null fails the type.
    """

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False,
                              json_schema_extra=_drop_null_defaults)

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
