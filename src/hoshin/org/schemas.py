"""API shapes of the organisation: its settings, people, units and API tokens, and how
a page of them is serialised (one query per relation for the whole page)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Literal

from ninja import Field, Schema

from hoshin.core.api import Input
from hoshin.org.models import Membership, Person, Role, Unit

RoleName = Literal[tuple(Role.values)]


# Organisation -------------------------------------------------------------------------


class OrganizationOut(Schema):
    name: str
    fiscal_year_start: int = Field(..., description="Month (1-12) in which the fiscal year starts.")
    include_child_objectives: bool = Field(
        ..., description="Whether aligned child objectives roll into their parent's progress.")


class OrganizationPatch(Input):
    name: str = Field(None)
    fiscal_year_start: int = Field(None, description="Month 1-12.")
    include_child_objectives: bool = Field(None)


# People -------------------------------------------------------------------------------


class PersonOut(Schema):
    id: str = Field(..., description="The person's email: how people are addressed everywhere.")
    email: str
    name: str
    role: RoleName
    is_active: bool
    units: list[str] = Field(..., description="Ids of the units the person belongs to.")


class MeOut(PersonOut):
    leads: list[str] = Field(..., description="Ids of the units the person leads.")


class PersonCreate(Input):
    email: str
    name: str
    role: RoleName = "member"
    password: str = Field(None, description="Leave out for an account that signs in only "
                                            "with API tokens (or after a password reset).")
    units: list[str] = Field([], description="Ids of the units the person belongs to.")


class PersonPatch(Input):
    name: str = Field(None)
    role: RoleName = Field(None)
    is_active: bool = Field(None)
    units: list[str] = Field(None, description="Replaces the person's memberships.")


def person_dicts(people: list[Person]) -> list[dict]:
    units: dict[int, list[str]] = defaultdict(list)
    for person_id, unit_key in (Membership.objects.filter(person__in=[p.pk for p in people])
                                .order_by("unit__key").values_list("person_id", "unit__key")):
        units[person_id].append(unit_key)
    return [{"id": p.email, "email": p.email, "name": p.name, "role": p.role,
             "is_active": p.is_active, "units": units.get(p.pk, [])} for p in people]


def me_dict(person: Person) -> dict:
    data = person_dicts([person])[0]
    data["leads"] = list(person.led_units.filter(archived_at__isnull=True)
                         .order_by("key").values_list("key", flat=True))
    return data


# Units --------------------------------------------------------------------------------


class UnitOut(Schema):
    id: str
    name: str
    parent: str | None = Field(..., description="Id of the unit above, if any.")
    lead: str | None = Field(..., description="Email of the unit's lead.")
    archived_at: dt.datetime | None


class UnitCreate(Input):
    id: str = Field(None, description="The unit's id (e.g. sales); generated when left out.")
    name: str
    parent: str | None = None
    lead: str | None = Field(None, description="Email of the lead.")


class UnitPatch(Input):
    name: str = Field(None)
    parent: str | None = Field(None, description="Id of the unit above; null for a top unit.")
    lead: str | None = Field(None, description="Email of the lead; null for none.")


UNIT_RELATED = ("parent", "lead")


def unit_dicts(units: list[Unit]) -> list[dict]:
    return [{"id": u.key, "name": u.name, "parent": u.parent.key if u.parent_id else None,
             "lead": u.lead.email if u.lead_id else None, "archived_at": u.archived_at}
            for u in units]


# API tokens ---------------------------------------------------------------------------


class TokenCreate(Input):
    name: str = Field("", max_length=100,
                      description="What the token is for, e.g. a script's name.")
    email: str = Field(None, description="Whose token (admins only; default: yourself). "
                                         "What is done with a token made for someone else "
                                         "is recorded as done by its maker on their behalf.")
    scope: Literal["read", "checkin", "write"] = Field(
        "write", description="read: GET only; checkin: reads and check-ins; write: everything "
                             "the person may do.")
    days: int = Field(None, ge=1, le=3660, description="Days until it expires (default: the "
                                                       "server's HOSHIN_TOKEN_DAYS, 90).")
    expires_at: dt.date = Field(None, description="The day it expires instead of `days`.")


class TokenOut(Schema):
    prefix: str = Field(..., description="The token's first characters, to recognise it.")
    name: str
    person: str
    scope: str
    created_at: dt.datetime
    created_by: str | None = Field(..., description="Who made it (null: the server's "
                                                    "operator, with `hoshin token`).")
    expires_at: dt.datetime | None
    last_used_at: dt.datetime | None


class NewTokenOut(TokenOut):
    token: str = Field(..., description="The token itself. Shown only this once: only a digest "
                                        "of it is stored.")
