"""Accounts in the browser: every role logs in and sees who they are; password change."""

import pytest

from tests.factories import PASSWORD, build_plan

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROLES = [
    ("admin@acme.test", "Admin"),
    ("office@acme.test", "Strategy office"),
    ("lead@acme.test", "Unit lead"),
    ("member@acme.test", "Member"),
    ("viewer@acme.test", "Viewer"),
]


def log_in(page, url, email, password=PASSWORD):
    page.goto(url + "/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(url + "/")


def test_each_role_logs_in_and_sees_name_and_role(live_server, page, screenshot):
    from hoshin.org.models import Person

    build_plan()
    page.goto(live_server.url + "/login/")
    screenshot("login")
    for email, role in ROLES:
        person = Person.objects.get(email=email)
        log_in(page, live_server.url, email)
        me = page.locator("header.top .me")
        assert person.name in me.inner_text()
        assert role in me.inner_text()
        page.locator("header.top .me-menu > summary").click()  # the account menu
        admin_links = page.locator("header.top .me-menu").get_by_role("link", name="Admin",
                                                                      exact=True)
        if role == "Viewer":
            assert admin_links.count() == 0
        if role == "Admin":
            assert admin_links.count() == 1
        page.get_by_role("button", name="Log out").click()
        page.wait_for_url("**/login/")


def test_wrong_password_then_password_change(live_server, page, screenshot):
    build_plan()
    page.goto(live_server.url + "/login/")
    page.get_by_label("Email").fill("member@acme.test")
    page.get_by_label("Password").fill("not-my-password")
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_role("alert").is_visible()
    screenshot("login-error")

    log_in(page, live_server.url, "member@acme.test")
    page.goto(live_server.url + "/account/password/")
    page.get_by_label("Old password").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill("short")
    page.get_by_label("New password confirmation").fill("different")
    page.get_by_role("button", name="Change password").click()
    assert page.locator(".errorlist").first.is_visible()
    screenshot("password-change")

    page.get_by_label("Old password").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill("lantern-orbit-42")
    page.get_by_label("New password confirmation").fill("lantern-orbit-42")
    page.get_by_role("button", name="Change password").click()
    page.wait_for_url("**/account/password/done/")
    assert "Password changed" in page.locator("h1").inner_text()
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/login/")
    log_in(page, live_server.url, "member@acme.test", "lantern-orbit-42")


def test_locked_login_page(live_server, page, screenshot):
    build_plan()
    for _ in range(6):
        page.goto(live_server.url + "/login/")
        page.get_by_label("Email").fill("member@acme.test")
        page.get_by_label("Password").fill("guess")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state()
    assert "Too many failed log-in attempts" in page.content()
    screenshot("login-locked")
