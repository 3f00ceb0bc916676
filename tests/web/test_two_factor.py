"""Optional two-factor log-in for admins (hoshin.web.twofactor): enrol with an authenticator
app, a code after the password at every log-in, recovery codes, throttling of wrong codes,
no way round it through the admin site, and the reset path. pyotp plays the phone."""

import re
import time

import pyotp
import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from hoshin.web import twofactor
from hoshin.web.models import LoginAttempt
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _phone(device: TOTPDevice) -> pyotp.TOTP:
    import base64

    return pyotp.TOTP(base64.b32encode(device.bin_key).decode())


def _enrol(client, person) -> tuple[pyotp.TOTP, list[str]]:
    client.force_login(person)
    page = client.post(reverse("two_factor"), {"do": "start"})
    assert page.status_code == 200 and b"<svg" in page.content  # the QR code
    device = TOTPDevice.objects.get(user=person, confirmed=False)
    phone = _phone(device)
    secret = re.search(rb"Key: <code>([A-Z2-7]+)</code>", page.content).group(1).decode()
    assert pyotp.TOTP(secret).now() == phone.now()  # the key shown is the app's key
    done = client.post(reverse("two_factor"), {"do": "confirm", "code": phone.now()})
    assert done.status_code == 200 and b"Two-factor log-in is on" in done.content
    codes = re.findall(rb"<li><code>([0-9a-f]{10})</code></li>", done.content)
    assert len(codes) == 10
    client.post("/logout/")
    return phone, [c.decode() for c in codes]


def _password(client, email="admin@acme.test", **extra):
    return client.post(reverse("login"), {"username": email, "password": PASSWORD}, **extra)


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_enrolled_admin_needs_the_code_after_the_password(client, plan, settings):
    # django-otp also makes a device wait 1, 2, 4... seconds after each wrong code; off
    # here so the right code can follow the wrong one at once.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    phone, _ = _enrol(client, plan.admin)
    response = _password(client)
    assert response.status_code == 302 and response["Location"] == reverse("login_verify")
    assert not _logged_in(client)
    assert client.get("/").status_code == 302  # nothing is open yet
    wrong = client.post(reverse("login_verify"), {"code": "000000"})
    assert wrong.status_code == 400 and b"not right" in wrong.content
    assert not _logged_in(client)
    # The next step's code (the one used to enrol may not be replayed).
    code = phone.at(time.time() + 30)
    right = client.post(reverse("login_verify"), {"code": code})
    assert right.status_code == 302 and right["Location"] == "/"
    assert _logged_in(client)
    assert client.get("/").status_code == 200


def test_a_code_is_accepted_once(client, plan):
    phone, _ = _enrol(client, plan.admin)
    code = phone.at(time.time() + 30)
    _password(client)
    assert client.post(reverse("login_verify"), {"code": code}).status_code == 302
    client.post("/logout/")
    _password(client)
    assert client.post(reverse("login_verify"), {"code": code}).status_code == 400


def test_a_recovery_code_logs_in_once(client, plan):
    _, codes = _enrol(client, plan.admin)
    _password(client)
    used = client.post(reverse("login_verify"), {"code": codes[0]}, follow=True)
    assert _logged_in(client)
    assert b"You used a recovery code; 9 left" in used.content
    client.post("/logout/")
    _password(client)
    assert client.post(reverse("login_verify"), {"code": codes[0]}).status_code == 400


def test_guessing_codes_locks_the_account_like_guessing_passwords(client, plan):
    _enrol(client, plan.admin)
    _password(client)
    for _ in range(5):
        assert client.post(reverse("login_verify"), {"code": "123456"}).status_code == 400
    locked = client.post(reverse("login_verify"), {"code": "123456"})
    assert locked.status_code == 429 and int(locked["Retry-After"]) > 0
    assert LoginAttempt.objects.filter(email="admin@acme.test").count() == 5
    assert not _logged_in(client)


def test_the_admin_site_log_in_does_not_skip_the_code(client, plan):
    _enrol(client, plan.admin)
    response = client.post("/admin/login/", {"username": "admin@acme.test",
                                              "password": PASSWORD})
    assert response.status_code == 200
    assert b"uses two-factor log-in" in response.content
    assert not _logged_in(client)


def test_without_a_device_nothing_changes(client, plan):
    assert _password(client, "member@acme.test").status_code == 302
    assert _logged_in(client)


def test_only_admins_are_offered_it(client, plan):
    client.force_login(plan.member)
    assert client.get(reverse("two_factor")).status_code == 403
    client.force_login(plan.admin)
    page = client.get("/")
    assert reverse("two_factor").encode() in page.content


def test_turning_it_off_needs_a_code_and_the_reset_path(client, plan):
    phone, _ = _enrol(client, plan.admin)
    client.force_login(plan.admin)
    refused = client.post(reverse("two_factor"), {"do": "disable", "code": "000000"})
    assert refused.status_code == 400 and twofactor.has_two_factor(plan.admin)
    # Lost phone and codes: the operator (or another admin in the admin site) resets it.
    assert twofactor.reset("ADMIN@acme.test") == 2  # the app and the recovery codes
    client.post("/logout/")
    assert _password(client).status_code == 302 and _logged_in(client)
    assert phone  # the old app's codes no longer matter
