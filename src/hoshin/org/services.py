"""Operations on the organisation, its people, units and API tokens."""

from __future__ import annotations

import os
import secrets

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction

from hoshin.core import clock
from hoshin.core.errors import Conflict, DomainError, ErrorCollector, NotFound
from hoshin.core.history import service
from hoshin.core.keys import claim_key
from hoshin.engine.graph import find_cycle
from hoshin.org import permissions
from hoshin.org.models import ApiToken, Membership, Organization, Person, Role, Unit

ROLES = [r.value for r in Role]


def get_person(email: str, field: str = "email") -> Person:
    person = Person.objects.filter(email__iexact=(email or "").strip()).first()
    if person is None:
        raise NotFound.field(field, f'unknown person "{email}"')
    return person


def get_unit(key: str, field: str = "unit") -> Unit:
    unit = Unit.objects.filter(key=key).first()
    if unit is None:
        raise NotFound.field(field, f'unknown unit "{key}"')
    return unit


@service
def update_organization(actor: Person | None, *, name: str | None = None,
                        fiscal_year_start: int | None = None,
                        include_child_objectives: bool | None = None) -> Organization:
    permissions.require(permissions.is_admin(actor), "change the organisation's settings")
    org = Organization.current()
    errors = ErrorCollector()
    if name is not None:
        if not name.strip():
            errors.add("name", "must not be empty")
        org.name = name.strip()
    if fiscal_year_start is not None:
        if not 1 <= fiscal_year_start <= 12:
            errors.add("fiscal_year_start", "must be a month number from 1 to 12")
        org.fiscal_year_start = fiscal_year_start
    if include_child_objectives is not None:
        org.include_child_objectives = include_child_objectives
    errors.raise_if_any()
    org.save()
    return org


def _check_person_fields(errors: ErrorCollector, email: str | None, name: str | None,
                         role: str | None) -> None:
    if email is not None:
        try:
            validate_email(email)
        except DjangoValidationError:
            errors.add("email", f'"{email}" is not a valid email address')
    if name is not None and not name.strip():
        errors.add("name", "must not be empty")
    if role is not None and role not in ROLES:
        errors.add("role", f'unknown role "{role}" (expected one of {", ".join(ROLES)})')


@service
def create_person(actor: Person | None, *, email: str, name: str, role: str = Role.MEMBER,
                  password: str | None = None, units: list[str] = ()) -> Person:
    permissions.require(permissions.is_admin(actor), "add people")
    email = (email or "").strip().lower()
    errors = ErrorCollector()
    _check_person_fields(errors, email, name, role)
    if email and Person.objects.filter(email__iexact=email).exists():
        raise Conflict.field("email", f'a person with email "{email}" already exists')
    if password:
        try:
            validate_password(password)
        except DjangoValidationError as exc:
            errors.add("password", " ".join(exc.messages))
    unit_objs = []
    for i, key in enumerate(units or []):
        unit = Unit.objects.filter(key=key).first()
        if unit is None:
            errors.add(f"units[{i}]", f'unknown unit "{key}"')
        unit_objs.append(unit)
    errors.raise_if_any()
    person = Person(email=email, name=name.strip(), role=role)
    if password:
        person.set_password(password)
    else:
        person.set_unusable_password()
    person.save()
    for unit in unit_objs:
        Membership.objects.create(person=person, unit=unit)
    return person


@service
def update_person(actor: Person | None, person: Person, *, name: str | None = None,
                  role: str | None = None, is_active: bool | None = None,
                  units: list[str] | None = None) -> Person:
    permissions.require(permissions.is_admin(actor), "change people")
    errors = ErrorCollector()
    _check_person_fields(errors, None, name, role)
    unit_objs = []
    for i, key in enumerate(units or []):
        unit = Unit.objects.filter(key=key).first()
        if unit is None:
            errors.add(f"units[{i}]", f'unknown unit "{key}"')
        unit_objs.append(unit)
    if role == Role.VIEWER and person.key_results.filter(archived_at__isnull=True).exists():
        errors.add("role", "this person owns key results; a viewer cannot own one")
    errors.raise_if_any()
    if name is not None:
        person.name = name.strip()
    if role is not None:
        person.role = role
    if is_active is not None:
        person.is_active = is_active
    person.save()
    if units is not None:
        person.memberships.exclude(unit__in=unit_objs).delete()
        for unit in unit_objs:
            Membership.objects.get_or_create(person=person, unit=unit)
    return person


@transaction.atomic
def set_password(person: Person, password: str) -> None:
    try:
        validate_password(password, person)
    except DjangoValidationError as exc:
        raise DomainError.field("password", " ".join(exc.messages)) from exc
    person.set_password(password)
    person.save(update_fields=["password"])


def set_shared_password(emails: list[str], password: str) -> int:
    """Give every listed person the same password (the demo's people, so a visitor can try
    the tool as any of them). Hashed once: hashing per person would take minutes for a
    large synthetic organisation, and a demo password protects nothing."""
    validate_password(password)
    hashed = make_password(password)
    with transaction.atomic():
        return Person.objects.filter(email__in=emails, is_active=True).update(password=hashed)


# The demo's shared password, unless HOSHIN_PASSWORD gives another: `hoshin demo` sets it,
# and in demo mode the login page's one-click personas log in with it.
DEMO_PASSWORD = "hoshin-demo"


def demo_password() -> str:
    return os.environ.get("HOSHIN_PASSWORD") or DEMO_PASSWORD


@service
def set_demo_mode(actor: Person | None, demo: bool) -> Organization:
    """Mark the database as holding a demo (or not). Only a demo's people are offered on the
    login page, so only the demo loader turns this on; importing a plan turns it off."""
    permissions.require(permissions.is_admin(actor), "change the organisation's settings")
    org = Organization.current()
    if org.demo != demo:
        org.demo = demo
        org.save()
    return org


def is_demo() -> bool:
    """Whether the login page may offer the demo's people (one query)."""
    return Organization.objects.filter(pk=1, demo=True).exists()


def _unit_loop_error(unit_id: int | None, parent: Unit | None) -> str | None:
    if parent is None or unit_id is None:
        return None
    edges = dict(Unit.objects.values_list("id", "parent_id"))
    edges[unit_id] = parent.pk
    loop = find_cycle(edges, unit_id)
    if loop:
        keys = dict(Unit.objects.filter(id__in=loop).values_list("id", "key"))
        return "would make a loop in the unit tree: " + " → ".join(keys[i] for i in loop)
    return None


@service
def create_unit(actor: Person | None, *, name: str, key: str | None = None,
                parent: str | None = None, lead: str | None = None) -> Unit:
    permissions.require(permissions.is_admin(actor), "add units")
    errors = ErrorCollector()
    if not (name or "").strip():
        errors.add("name", "must not be empty")
    # Units share the plan elements' id rules: the id is used in URLs and plan files.
    key = claim_key(key)
    parent_obj = lead_obj = None
    if parent:
        parent_obj = Unit.objects.filter(key=parent).first()
        if parent_obj is None:
            errors.add("parent", f'unknown unit "{parent}"')
    if lead:
        lead_obj = Person.objects.filter(email__iexact=lead).first()
        if lead_obj is None:
            errors.add("lead", f'unknown person "{lead}"')
    errors.raise_if_any()
    unit = Unit.objects.create(key=key or "", name=name.strip(), parent=parent_obj, lead=lead_obj)
    if lead_obj:
        Membership.objects.get_or_create(person=lead_obj, unit=unit)
    return unit


_UNSET = object()


@service
def update_unit(actor: Person | None, unit: Unit, *, name: str | None = None,
                parent=_UNSET, lead=_UNSET) -> Unit:
    permissions.require(permissions.is_admin(actor), "change units")
    errors = ErrorCollector()
    if name is not None:
        if not name.strip():
            errors.add("name", "must not be empty")
        unit.name = name.strip()
    if parent is not _UNSET:
        parent_obj = None
        if parent:
            parent_obj = Unit.objects.filter(key=parent).first()
            if parent_obj is None:
                errors.add("parent", f'unknown unit "{parent}"')
            elif loop := _unit_loop_error(unit.pk, parent_obj):
                errors.add("parent", loop)
        unit.parent = parent_obj
    if lead is not _UNSET:
        lead_obj = None
        if lead:
            lead_obj = Person.objects.filter(email__iexact=lead).first()
            if lead_obj is None:
                errors.add("lead", f'unknown person "{lead}"')
        unit.lead = lead_obj
    errors.raise_if_any()
    unit.save()
    if unit.lead_id:
        Membership.objects.get_or_create(person_id=unit.lead_id, unit=unit)
    return unit


@service
def archive_unit(actor: Person | None, unit: Unit) -> Unit:
    permissions.require(permissions.is_admin(actor), "archive units")
    if unit.children.filter(archived_at__isnull=True).exists():
        raise DomainError.field("unit", "archive or move its child units first")
    unit.archived_at = clock.now()
    unit.save()
    return unit


@service
def create_token(actor: Person | None, person: Person, name: str = "") -> str:
    """Create an API token for `person` and return it; only its digest is kept."""
    permissions.require(actor is None or actor.pk == person.pk or permissions.is_admin(actor),
                        "create tokens for someone else")
    raw = "hsn_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(person=person, name=name, prefix=raw[:10],
                            digest=ApiToken.digest_of(raw))
    return raw


def authenticate_token(raw: str) -> Person | None:
    token = (ApiToken.objects.select_related("person")
             .filter(digest=ApiToken.digest_of(raw or ""), revoked_at__isnull=True).first())
    if token is None or not token.person.is_active:
        return None
    now = clock.now()
    # Write at most once a minute per token so reads stay reads.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.person


@service
def revoke_token(actor: Person | None, token: ApiToken) -> None:
    permissions.require(actor is None or actor.pk == token.person_id or permissions.is_admin(actor),
                        "revoke someone else's token")
    token.revoked_at = clock.now()
    token.save(update_fields=["revoked_at"])
