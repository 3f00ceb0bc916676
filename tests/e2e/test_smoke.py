"""The served app in a real browser: home page, admin login, API documentation."""

import pytest

from tests.factories import PASSWORD, build_plan

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_login_then_home_shows_my_key_results(live_server, page, screenshot):
    plan = build_plan()
    page.goto(live_server.url + "/")
    assert "/login/" in page.url
    screenshot("login")
    page.get_by_label("Email").fill("member@acme.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(live_server.url + "/")
    assert page.locator("h1").inner_text() == "My home"
    assert plan.quarter.key in page.locator(".lead-in").inner_text()
    assert plan.kr_sales.title in page.locator(f"#kr-{plan.kr_sales.pk}").inner_text()
    screenshot("home-login")


def test_admin_logs_in_and_sees_the_plan(live_server, page, screenshot):
    build_plan()
    page.goto(live_server.url + "/admin/")
    page.fill("#id_username", "admin@acme.test")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.get_by_role("link", name="Key results", exact=True).click()
    page.wait_for_url("**/okrs/keyresult/")
    screenshot("admin-key-results")
    assert "KR1" in page.content() and "Installer-sold units" in page.content()


def test_a_viewer_cannot_enter_the_admin(live_server, page):
    build_plan()
    page.goto(live_server.url + "/admin/")
    page.fill("#id_username", "viewer@acme.test")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_load_state()
    assert "not authorized" in page.content() or "enter the correct" in page.content()


def test_api_documentation_renders(live_server, page, screenshot):
    page.goto(live_server.url + "/api/v1/docs")
    page.wait_for_selector("text=Hoshin API", timeout=15000)
    screenshot("api-docs")
