"""Signing a person in from the identity provider's claims: the one place single sign-on
writes (through org's services, as the system: the provider is the authority on who
someone is, as an admin is for people added by hand), and the audit entries of refusals.

* **Matching.** A person is found by e-mail, ignoring case; none found, one is created
  (unless HOSHIN_OIDC_CREATE_PEOPLE=off). An e-mail the provider marks unverified
  (`email_verified: false`) is refused: it would let whoever can type a colleague's
  address into their provider profile take over that colleague's account.
* **Role.** With a role claim and a mapping (HOSHIN_OIDC_ROLE_CLAIM, HOSHIN_OIDC_ROLES),
  the provider decides the role at every sign-in: the highest role any of the person's
  groups maps to, else HOSHIN_OIDC_DEFAULT_ROLE. Without a mapping a new person gets the
  default role and an existing one keeps theirs. The last-admin rule still holds: the
  last active admin keeps the admin role (and signs in), and the audit log says why.
* **Unit.** With a unit claim (HOSHIN_OIDC_UNIT_CLAIM) the person is made a member of the
  unit whose key or name it gives (ignoring case); memberships given in Hoshin are kept.
  An unknown unit does not stop the sign-in; the audit log says so.
* **Archived people** are refused, whatever the provider says.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q

from hoshin.audit.models import AuditEntry
from hoshin.audit.services import record
from hoshin.core.errors import DomainError
from hoshin.core.history import service
from hoshin.org import services as org_services
from hoshin.org.models import Person, Role, Unit
from hoshin.sso import conf

# Highest first: a person in several mapped groups gets the widest of their roles.
ROLE_RANK = [Role.ADMIN, Role.STRATEGY_OFFICE, Role.UNIT_LEAD, Role.MEMBER, Role.VIEWER]


class Refused(Exception):
    """The sign-in is refused; `reason` is said to the person and kept in the audit log."""

    def __init__(self, reason: str, person: Person | None = None, email: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.person = person
        self.email = email


@dataclass
class Outcome:
    person: Person
    created: bool = False
    notes: list[str] = field(default_factory=list)  # what could not be applied, in words


def _values(claim) -> list[str]:
    if claim is None:
        return []
    if isinstance(claim, (list, tuple, set)):
        return [str(v).strip() for v in claim if str(v).strip()]
    return [v.strip() for v in str(claim).split(",") if v.strip()]


def role_from_claims(claims: dict) -> str | None:
    """The role the provider's groups give, the default role when none maps, or None
    when no mapping is configured (the role is then Hoshin's to keep)."""
    names = conf.claim_names()
    mapping = conf.parse_role_map(settings.HOSHIN_OIDC_ROLES)
    if not (names.role and mapping):
        return None
    roles = {mapping[g] for g in _values(claims.get(names.role)) if g in mapping}
    for role in ROLE_RANK:
        if role in roles:
            return role
    return default_role()


def default_role() -> str:
    return settings.HOSHIN_OIDC_DEFAULT_ROLE or Role.MEMBER


def units_from_claims(claims: dict) -> tuple[list[Unit], list[str]]:
    """The units the unit claim names (by key or name, ignoring case), and those it names
    that Hoshin does not know."""
    names = conf.claim_names()
    if not names.unit:
        return [], []
    found, unknown = [], []
    for value in _values(claims.get(names.unit)):
        unit = (Unit.objects.filter(archived_at__isnull=True)
                .filter(Q(key__iexact=value) | Q(name__iexact=value)).order_by("pk").first())
        if unit is None:
            unknown.append(value)
        elif unit not in found:
            found.append(unit)
    return found, unknown


def display_name(claims: dict, email: str) -> str:
    name = str(claims.get(conf.claim_names().name) or "").strip()
    if not name:
        name = " ".join(str(claims.get(k) or "").strip()
                        for k in ("given_name", "family_name")).strip()
    return (name or email.split("@")[0])[:300]


@service
def sign_in(actor: None, claims: dict) -> Outcome:
    """The person these verified claims belong to, created or brought up to date (role,
    unit) as the provider says; raises Refused. `actor` is always None: the system."""
    email = str(claims.get(conf.claim_names().email) or "").strip().lower()
    if not email:
        raise Refused("the identity provider sent no e-mail address")
    if claims.get("email_verified") is False:
        raise Refused("the identity provider has not verified this e-mail address",
                      person=Person.objects.filter(email__iexact=email).first(), email=email)
    people = list(Person.objects.filter(email__iexact=email)[:2])
    if len(people) > 1:
        raise Refused("more than one person has this e-mail address", email=email)
    role = role_from_claims(claims)
    units, unknown = units_from_claims(claims)
    notes = [f'unit "{u}" from the identity provider is not known here' for u in unknown]

    if not people:
        if not settings.HOSHIN_OIDC_CREATE_PEOPLE:
            raise Refused("nobody here has this e-mail address (people are not created "
                          "at sign-in)", email=email)
        person = org_services.create_person(
            None, email=email, name=display_name(claims, email), role=role or default_role(),
            units=[u.key for u in units])
        return Outcome(person, created=True, notes=notes)

    person = people[0]
    if not person.is_active:
        raise Refused("this person is archived", person=person, email=email)
    new_units = [u for u in units if not person.memberships.filter(unit=u).exists()]
    if role is not None and role != person.role:
        try:
            org_services.check_not_last_admin(person, role=role)
            if role == Role.VIEWER and person.key_results.filter(
                    archived_at__isnull=True).exists():
                raise DomainError("a viewer cannot own key results, and they own some")
        except DomainError as exc:
            notes.append(f"role kept as {person.get_role_display()}: {exc}")
            role = None
    else:
        role = None
    if role is not None or new_units:
        units_now = list(person.memberships.values_list("unit__key", flat=True))
        person = org_services.update_person(
            None, person, role=role,
            units=(units_now + [u.key for u in new_units]) if new_units else None)
    return Outcome(person, notes=notes)


def record_refusal(request, reason: str, *, person: Person | None = None,
                   email: str = "") -> None:
    """A refused single sign-on, in the audit log as a failed sign-in. The e-mail comes
    from the identity provider (never typed into Hoshin), so it is named even when nobody
    here has it: an admin can see who was turned away."""
    who = person.name if person else (email or "an unknown account")
    record(AuditEntry.Kind.LOGIN_FAILED,
           f"Single sign-on ({conf.provider_name()}) refused for {who}: {reason}",
           person=person, request=request)


def record_notes(request, person: Person, notes: list[str]) -> None:
    """What the provider said that could not be applied at a sign-in that went through."""
    for note in notes:
        record(AuditEntry.Kind.LOGIN,
               f"Single sign-on ({conf.provider_name()}) for {person.name}: {note}",
               actor=person, person=person, request=request)
