"""The password policy (settings.AUTH_PASSWORD_VALIDATORS): at least 10 characters, not like
the person's name or email, not a common password, not all digits; wherever a password is
set (the password change form here, and org.services for the API and CLI)."""

import pytest
from django.urls import reverse

from hoshin.core.errors import DomainError
from hoshin.org import services as org
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("new, why", [
    ("short-pw", b"too short. It must contain at least 10 characters"),
    ("8316402957", b"entirely numeric"),
    ("password123", b"too common"),
    ("mia.member1", b"too similar to the"),
])
def test_the_change_form_refuses_weak_passwords(client, plan, new, why):
    client.force_login(plan.member)
    response = client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": new, "new_password2": new})
    assert response.status_code == 200
    assert why in response.content
    plan.member.refresh_from_db()
    assert plan.member.check_password(PASSWORD)


def test_a_long_unusual_password_is_taken(client, plan):
    client.force_login(plan.member)
    response = client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "kettle-orbit-umbrella",
        "new_password2": "kettle-orbit-umbrella"})
    assert response.status_code == 302


def test_the_service_applies_the_same_policy(plan):
    with pytest.raises(DomainError, match="too short"):
        org.set_password(plan.member, "abc12345")
