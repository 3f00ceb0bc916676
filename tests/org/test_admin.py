"""API tokens can be created in the Django admin; the secret is shown once, stored hashed."""

import re

from django.contrib.messages import get_messages
from django.test import Client

from hoshin.org.models import ApiToken
from hoshin.org.services import authenticate_token
from tests.factories import PASSWORD


def test_admin_creates_a_token_and_sees_it_once(plan):
    client = Client(HTTP_HOST="127.0.0.1")
    assert client.login(username="admin@acme.test", password=PASSWORD)
    response = client.post("/admin/org/apitoken/add/",
                           {"person": plan.member.pk, "name": "reporting"})
    assert response.status_code == 302
    shown = " ".join(str(m) for m in get_messages(response.wsgi_request))
    raw = re.search(r"hsn_[\w-]+", shown).group(0)
    token = ApiToken.objects.get(name="reporting")
    assert token.person == plan.member and raw not in token.digest
    assert authenticate_token(raw) == plan.member


def test_only_admins_enter_the_admin(plan):
    client = Client(HTTP_HOST="127.0.0.1")
    assert client.login(username="office@acme.test", password=PASSWORD)
    assert client.get("/admin/org/apitoken/add/").status_code == 302  # to the login page
