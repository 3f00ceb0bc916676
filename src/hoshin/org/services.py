"""Operations on the organisation, its people, units and API tokens."""

from __future__ import annotations

import datetime as dt
import os
import secrets

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import OperationalError, connections, transaction

from hoshin.core import clock, events
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
    events.publish(events.AccessChanged(actor=actor, person=person, kind="person-added",
                                        what=f"{person.name} added as {person.get_role_display()}"))
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
    check_not_last_admin(person, role=role, is_active=is_active)
    access = _access_changes(person, role, is_active)
    if name is not None:
        person.name = name.strip()
    if role is not None:
        person.role = role
    if is_active is not None:
        person.is_active = is_active
    person.save()
    for kind, what in access:
        events.publish(events.AccessChanged(actor=actor, person=person, kind=kind, what=what))
    if units is not None:
        person.memberships.exclude(unit__in=unit_objs).delete()
        for unit in unit_objs:
            Membership.objects.get_or_create(person=person, unit=unit)
    return person


def _access_changes(person: Person, role: str | None, is_active: bool | None
                    ) -> list[tuple[str, str]]:
    """What a change of role or activity does to a person's access, in words (for the
    audit log), read before the change is made."""
    changes = []
    if role is not None and role != person.role:
        changes.append(("role-changed", f"{person.name}: role {person.get_role_display()} → "
                                        f"{Role(role).label}"))
    if is_active is not None and is_active != person.is_active:
        changes.append(("person-restored", f"{person.name} restored") if is_active
                       else ("person-archived", f"{person.name} archived"))
    return changes


def check_not_last_admin(person: Person, *, role: str | None = None,
                         is_active: bool | None = None) -> None:
    """Refuse to archive or demote the last active admin: nobody could then manage people,
    roles or settings, and only a server operator could repair it. Every path that changes
    a person's role or activity calls this (the API, the admin site, plan imports)."""
    if not (person.pk and person.is_active and person.role == Role.ADMIN):
        return
    archived = is_active is False
    demoted = role is not None and role != Role.ADMIN
    if not (archived or demoted):
        return
    # Locked, so two admins archiving each other at once cannot both succeed.
    others = (Person.objects.select_for_update()
              .filter(role=Role.ADMIN, is_active=True).exclude(pk=person.pk))
    if not list(others.values_list("pk", flat=True)[:1]):
        what = "archived" if archived else "given another role"
        raise DomainError.field(
            "is_active" if archived else "role",
            f"{person.name} is the last active admin and cannot be {what}: make someone "
            "else an admin first")


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
        events.publish(events.AccessChanged(actor=actor, person=lead_obj, kind="lead-changed",
                                            what=f"{lead_obj.name} leads {unit.name}"))
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
    lead_before = Unit.objects.filter(pk=unit.pk).values_list("lead_id", flat=True).first()
    unit.save()
    if unit.lead_id:
        Membership.objects.get_or_create(person_id=unit.lead_id, unit=unit)
    if unit.lead_id != lead_before:
        previous = Person.objects.filter(pk=lead_before).first()
        for person, what in ((previous, f"{previous.name if previous else ''} no longer leads "
                                        f"{unit.name}"),
                             (unit.lead, f"{unit.lead.name if unit.lead else ''} leads "
                                         f"{unit.name}")):
            if person is not None:
                events.publish(events.AccessChanged(actor=actor, person=person,
                                                    kind="lead-changed", what=what))
    return unit


@service
def archive_unit(actor: Person | None, unit: Unit) -> Unit:
    permissions.require(permissions.is_admin(actor), "archive units")
    if unit.children.filter(archived_at__isnull=True).exists():
        raise DomainError.field("unit", "archive or move its child units first")
    unit.archived_at = clock.now()
    unit.save()
    return unit


def token_lifetime_days() -> int:
    """How long a new API token lasts unless its maker says otherwise (HOSHIN_TOKEN_DAYS)."""
    from django.conf import settings

    return int(getattr(settings, "HOSHIN_TOKEN_DAYS", 90))


def _describe_token(token: ApiToken) -> str:
    until = f"until {token.expires_at:%Y-%m-%d}" if token.expires_at else "with no expiry"
    name = f' "{token.name}"' if token.name else ""
    return f"API token {token.prefix}…{name} ({token.get_scope_display().lower()}, {until})"


@service
def create_token(actor: Person | None, person: Person, name: str = "", *,
                 scope: str = ApiToken.Scope.WRITE, days: int | None = None,
                 expires_at=None) -> str:
    """Create an API token for `person` and return it; only its digest is kept. It reaches
    what its scope allows and lasts `days` (or until `expires_at`; by default
    token_lifetime_days()). Who made it is recorded: a token an admin makes for someone
    else names them in everything done with it."""
    import datetime as dt

    permissions.require(actor is None or actor.pk == person.pk or permissions.is_admin(actor),
                        "create tokens for someone else")
    errors = ErrorCollector()
    if scope not in ApiToken.Scope.values:
        errors.add("scope", "one of: " + ", ".join(ApiToken.Scope.values))
    now = clock.now()
    if expires_at is None:
        if days is not None and not 1 <= days <= 3660:
            errors.add("days", "from 1 to 3660 days")
        expires_at = now + dt.timedelta(days=days or token_lifetime_days())
    else:
        if isinstance(expires_at, dt.date) and not isinstance(expires_at, dt.datetime):
            expires_at = clock._moment(expires_at)
        if expires_at <= now:
            errors.add("expires_at", "must be in the future")
    if not person.is_active:
        errors.add("email", f"{person.name} is no longer active")
    errors.raise_if_any()
    raw = "hsn_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(person=person, name=name, prefix=raw[:10],
                                    digest=ApiToken.digest_of(raw), scope=scope,
                                    expires_at=expires_at, created_by=actor)
    events.publish(events.AccessChanged(
        actor=actor, person=person, kind="token-created",
        what=f"{_describe_token(token)} created for {person.name}"))
    return raw


def find_token(raw: str) -> ApiToken | None:
    """The usable token a raw string names: not revoked, not expired, its person active."""
    token = (ApiToken.objects.select_related("person", "created_by")
             .filter(digest=ApiToken.digest_of(raw or ""), revoked_at__isnull=True).first())
    if token is None or not token.person.is_active or token.expired():
        return None
    return token


def authenticate_token(raw: str) -> Person | None:
    """The person a token acts as (None if it is not usable), with the token itself as
    `person.api_token`, for its scope and for naming whoever acts with it."""
    token = find_token(raw)
    if token is None:
        return None
    token.person.api_token = token
    _record_use(token, clock.now())
    return token.person


# A token's last use is kept to the quarter of an hour: reads stay reads (one write per
# token per TOKEN_USE_EVERY), and that write never makes a request wait. While a long write
# holds SQLite's one write lock, a GET with a token used to wait 20 s for it and fail
# (issue #13); now the use is left unrecorded and the next request records it.
TOKEN_USE_EVERY = dt.timedelta(minutes=15)
_SQLITE_WAIT_MS = 50


def _record_use(token: ApiToken, now: dt.datetime) -> None:
    if token.last_used_at is not None and now - token.last_used_at < TOKEN_USE_EVERY:
        return
    conn = connections[ApiToken.objects.db]
    short_wait = conn.vendor == "sqlite" and not conn.in_atomic_block
    try:
        if short_wait:
            with conn.cursor() as cursor:
                cursor.execute(f"PRAGMA busy_timeout = {_SQLITE_WAIT_MS}")
        with transaction.atomic():  # a savepoint inside a request's transaction
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    except OperationalError:
        pass  # the database is busy: recorded by a later request
    finally:
        if short_wait:
            with conn.cursor() as cursor:
                cursor.execute(f"PRAGMA busy_timeout = {_sqlite_busy_timeout_ms(conn)}")


def _sqlite_busy_timeout_ms(conn) -> int:
    return int(conn.settings_dict.get("OPTIONS", {}).get("timeout", 5) * 1000)


@service
def revoke_token(actor: Person | None, token: ApiToken) -> None:
    permissions.require(actor is None or actor.pk == token.person_id or permissions.is_admin(actor),
                        "revoke someone else's token")
    token.revoked_at = clock.now()
    token.revoked_by = actor
    token.save(update_fields=["revoked_at", "revoked_by"])
    events.publish(events.AccessChanged(
        actor=actor, person=token.person, kind="token-revoked",
        what=f"{_describe_token(token)} of {token.person.name} revoked"))
