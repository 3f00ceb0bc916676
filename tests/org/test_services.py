import pytest

from hoshin.core.errors import Conflict, DomainError, PermissionDenied
from hoshin.org import services
from hoshin.org.models import Unit


def test_unit_tree_refuses_loops(plan):
    services.create_unit(None, key="emea", name="EMEA sales", parent="sales")
    with pytest.raises(DomainError) as exc:
        services.update_unit(None, Unit.objects.get(key="sales"), parent="emea")
    assert exc.value.errors[0].field == "parent"
    assert "sales → emea → sales" in str(exc.value)
    assert Unit.objects.get(key="sales").parent.key == "acme"


def test_people_rules(plan):
    with pytest.raises(Conflict):
        services.create_person(None, email="MEMBER@acme.test", name="Dup")
    with pytest.raises(DomainError) as exc:
        services.create_person(None, email="not-an-email", name="", role="boss")
    assert {e.field for e in exc.value.errors} == {"email", "name", "role"}
    with pytest.raises(PermissionDenied):
        services.create_person(plan.office, email="x@acme.test", name="X")
    with pytest.raises(DomainError) as exc:
        services.update_person(None, plan.member, role="viewer")
    assert "owns key results" in str(exc.value)


def test_tokens_are_stored_hashed_and_revocable(plan):
    raw = services.create_token(None, plan.member, "laptop")
    token = plan.member.api_tokens.get()
    assert raw not in (token.digest, token.prefix) and raw.startswith(token.prefix)
    assert services.authenticate_token(raw) == plan.member
    assert services.authenticate_token(raw + "x") is None
    services.revoke_token(plan.member, token)
    assert services.authenticate_token(raw) is None
    with pytest.raises(PermissionDenied):
        services.create_token(plan.member, plan.lead)


@pytest.mark.argon2
def test_passwords_use_argon2(db):
    person = services.create_person(None, email="new@acme.test", name="New",
                                    password="a-long-enough-passphrase")
    assert person.password.startswith("argon2")
    assert person.check_password("a-long-enough-passphrase")
