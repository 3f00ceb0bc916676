"""REST API of the organisation: settings, the caller, people, units and API tokens."""

from ninja import Query, Router
from ninja.pagination import paginate
from ninja.responses import Status

from hoshin.core.api import ERRORS, Listing, Pagination, live, one
from hoshin.core.errors import NotFound
from hoshin.org import permissions, services
from hoshin.org.models import ApiToken, Organization, Person, Unit
from hoshin.org.schemas import (
    UNIT_RELATED,
    MeOut,
    NewTokenOut,
    OrganizationOut,
    OrganizationPatch,
    PersonCreate,
    PersonOut,
    PersonPatch,
    RoleName,
    TokenCreate,
    TokenOut,
    UnitCreate,
    UnitOut,
    UnitPatch,
    me_dict,
    person_dicts,
    unit_dicts,
)

router = Router(tags=["organisation"])

ARCHIVED = Query(False, description="Include archived items (for people: deactivated ones).")


# Organisation -------------------------------------------------------------------------


def _organization(org: Organization) -> dict:
    return {"name": org.name, "fiscal_year_start": org.fiscal_year_start,
            "include_child_objectives": org.include_child_objectives}


@router.get("/organization", response={200: OrganizationOut, **ERRORS})
def get_organization(request):
    return _organization(Organization.current())


@router.patch("/organization", response={200: OrganizationOut, **ERRORS})
def update_organization(request, payload: OrganizationPatch):
    return _organization(services.update_organization(request.auth, **payload.given()))


@router.get("/me", response={200: MeOut, **ERRORS},
            summary="The caller: role, units and the units they lead")
def me(request):
    return me_dict(request.auth)


# People -------------------------------------------------------------------------------


@router.get("/people", response={200: list[PersonOut], **ERRORS})
@paginate(Pagination)
def list_people(request, unit: str = Query(None, description="Members of this unit."),
                role: RoleName = Query(None), archived: bool = ARCHIVED):
    people = Person.objects.order_by("name", "email")
    if not archived:
        people = people.filter(is_active=True)
    if unit:
        people = people.filter(memberships__unit__key=unit)
    if role:
        people = people.filter(role=role)
    return Listing(people, person_dicts)


@router.post("/people", response={201: PersonOut, **ERRORS})
def create_person(request, payload: PersonCreate):
    person = services.create_person(request.auth, **payload.given())
    return Status(201, person_dicts([person])[0])


@router.get("/people/{email}", response={200: PersonOut, **ERRORS})
def get_person(request, email: str):
    return person_dicts([services.get_person(email, "email")])[0]


@router.patch("/people/{email}", response={200: PersonOut, **ERRORS})
def update_person(request, email: str, payload: PersonPatch):
    person = services.update_person(request.auth, services.get_person(email, "email"),
                                    **payload.given())
    return person_dicts([person])[0]


@router.post("/people/{email}/archive", response={200: PersonOut, **ERRORS},
             summary="Deactivate a person (people are never deleted)")
def archive_person(request, email: str):
    person = services.update_person(request.auth, services.get_person(email, "email"),
                                    is_active=False)
    return person_dicts([person])[0]


# Units --------------------------------------------------------------------------------


def _unit(key: str) -> Unit:
    return one(Unit, key, *UNIT_RELATED)


@router.get("/units", response={200: list[UnitOut], **ERRORS})
@paginate(Pagination)
def list_units(request, parent: str = Query(None, description="Units directly below this one."),
               archived: bool = ARCHIVED):
    units = live(Unit.objects.select_related(*UNIT_RELATED).order_by("name", "key"), archived)
    if parent:
        units = units.filter(parent__key=parent)
    return Listing(units, unit_dicts)


@router.post("/units", response={201: UnitOut, **ERRORS})
def create_unit(request, payload: UnitCreate):
    data = payload.given()
    unit = services.create_unit(request.auth, key=data.pop("id", None), **data)
    return Status(201, unit_dicts([_unit(unit.key)])[0])


@router.get("/units/{id}", response={200: UnitOut, **ERRORS})
def get_unit(request, id: str):
    return unit_dicts([_unit(id)])[0]


@router.patch("/units/{id}", response={200: UnitOut, **ERRORS})
def update_unit(request, id: str, payload: UnitPatch):
    unit = services.update_unit(request.auth, _unit(id), **payload.given())
    return unit_dicts([_unit(unit.key)])[0]


@router.post("/units/{id}/archive", response={200: UnitOut, **ERRORS})
def archive_unit(request, id: str):
    services.archive_unit(request.auth, _unit(id))
    return unit_dicts([_unit(id)])[0]


# API tokens ---------------------------------------------------------------------------


def _token(token: ApiToken, person: Person) -> dict:
    return {"prefix": token.prefix, "name": token.name, "person": person.email,
            "scope": token.scope, "created_at": token.created_at,
            "created_by": token.created_by.email if token.created_by else None,
            "expires_at": token.expires_at, "last_used_at": token.last_used_at}


@router.get("/tokens", response={200: list[TokenOut], **ERRORS}, tags=["tokens"],
            summary="Your API tokens (never the tokens themselves); an admin may ask for "
                    "anyone's")
@paginate(Pagination)
def list_tokens(request, email: str = Query(None, description="Whose tokens (admins only; "
                                                              "default: yours).")):
    person = request.auth
    if email:
        person = services.get_person(email, "email")
        permissions.require(person.pk == request.auth.pk or permissions.is_admin(request.auth),
                            "see someone else's tokens")
    tokens = (ApiToken.objects.filter(person=person, revoked_at__isnull=True)
              .select_related("created_by").order_by("-created_at"))
    return Listing(tokens, lambda rows: [_token(t, person) for t in rows])


@router.post("/tokens", response={201: NewTokenOut, **ERRORS}, tags=["tokens"],
             summary="Create an API token (shown once)")
def create_token(request, payload: TokenCreate):
    person = services.get_person(payload.email, "email") if payload.email else request.auth
    raw = services.create_token(request.auth, person, payload.name, scope=payload.scope,
                                days=payload.days, expires_at=payload.expires_at)
    token = ApiToken.objects.select_related("created_by").get(digest=ApiToken.digest_of(raw))
    return Status(201, {**_token(token, person), "token": raw})


@router.post("/tokens/{prefix}/revoke", response={204: None, **ERRORS}, tags=["tokens"],
             summary="Revoke an API token: your own, or anyone's for an admin")
def revoke_token(request, prefix: str):
    tokens = ApiToken.objects.filter(prefix=prefix, revoked_at__isnull=True)
    if not permissions.is_admin(request.auth):
        tokens = tokens.filter(person=request.auth)
    token = tokens.select_related("person").first()
    if token is None:
        raise NotFound.field("prefix", f'you have no active token starting "{prefix}"')
    services.revoke_token(request.auth, token)
    return Status(204, None)
