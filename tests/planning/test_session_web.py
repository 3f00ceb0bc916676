"""The alignment session over the API and on its page, with permissions."""

import json

import pytest
from django.test import Client

from hoshin.okrs import services as okrs
from hoshin.okrs.models import Cycle, Objective
from hoshin.org import services as org
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
BASE = "/api/v1/planning/sessions"


class Api:
    def __init__(self, person):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {org.create_token(None, person)}"}

    def get(self, path):
        return self.client.get(BASE + path, headers=self.headers)

    def post(self, path, data=None):
        return self.client.post(BASE + path, json.dumps(data or {}),
                                content_type="application/json", headers=self.headers)


@pytest.fixture
def quarter(plan):
    Cycle.objects.filter(pk=plan.quarter.pk).update(state="planning")
    okrs.save_objective(None, key="O7", cycle=plan.quarter.key, unit="ops",
                        title="Maintain weekly reporting")
    return plan.quarter.key


def test_session_over_the_api(plan, quarter):
    office, member, viewer = Api(plan.office), Api(plan.member), Api(plan.viewer)
    assert office.get(f"/{quarter}").status_code == 404
    assert member.post("", {"cycle": quarter}).status_code == 403
    opened = office.post("", {"cycle": quarter})
    assert opened.status_code == 201
    body = viewer.get(f"/{quarter}").json()
    assert [q["key"] for q in body["questions"]] == ["themes", "business", "conflicts",
                                                     "remove"]
    assert "orphan-objective:O7" in body["blocking"]
    blocked = office.post(f"/{quarter}/close")
    assert blocked.status_code == 409
    assert "no decision yet" in blocked.json()["errors"][0]["message"]
    bad = office.post(f"/{quarter}/decisions", {"fingerprint": "orphan-objective:O7",
                                                 "kind": "accept"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "reason"
    assert member.post(f"/{quarter}/decisions", {"fingerprint": "orphan-objective:O7",
                                                  "kind": "remove"}).status_code == 403
    done = office.post(f"/{quarter}/decisions", {"fingerprint": "orphan-objective:O7",
                                                  "kind": "remove"})
    assert done.status_code == 201 and done.json()["applied"]
    rerun = office.post(f"/{quarter}/rerun").json()
    assert rerun["reruns"] >= 1
    for mark in rerun["blocking"]:
        office.post(f"/{quarter}/decisions", {"fingerprint": mark, "kind": "accept",
                                              "reason": "kept"})
    closed = office.post(f"/{quarter}/close").json()
    assert closed["state"] == "closed" and "O7" not in closed["approved"]["objectives"]
    assert Cycle.objects.get(key=quarter).state == "active"


def test_page_records_a_decision_and_shows_errors_next_to_it(plan, quarter):
    client = Client()
    client.login(username=plan.office.email, password=PASSWORD)
    url = f"/planning/session/{quarter}/"
    assert b"Open the session" in client.get(url).content
    client.post(url, {"action": "open"})
    page = client.get(url).content.decode()
    assert "Does it support the themes?" in page and "orphan-objective" in page
    assert " decided" in page
    blocked = client.post(url, {"action": "close"})
    assert "have no decision yet" in blocked.content.decode()
    assert Cycle.objects.get(key=quarter).state == "planning"
    err = client.post(url, {"action": "decide", "fingerprint": "orphan-objective:O7",
                            "kind": "accept", "reason": ""})
    assert err.status_code == 200 and "say why the finding is accepted" in err.content.decode()
    client.post(url, {"action": "decide", "fingerprint": "orphan-objective:O7",
                      "kind": "remove"})
    assert Objective.objects.get(key="O7").archived_at is not None
    assert "Decided: Remove" in client.get(url).content.decode()


def test_viewers_read_but_cannot_post(plan, quarter):
    from hoshin.planning import session_services

    session_services.open_session(plan.office, quarter)
    client = Client()
    client.login(username=plan.viewer.email, password=PASSWORD)
    url = f"/planning/session/{quarter}/"
    page = client.get(url).content.decode()
    assert "orphan-objective" in page and "Record decision" not in page
    assert client.post(url, {"action": "decide", "fingerprint": "orphan-objective:O7",
                             "kind": "remove"}).status_code == 403
    member = Client()
    member.login(username=plan.member.email, password=PASSWORD)
    assert "Record decision" not in member.get(url).content.decode()
    assert member.post(url, {"action": "decide", "fingerprint": "orphan-objective:O7",
                             "kind": "remove"}).status_code == 403


def test_page_says_when_a_finding_is_gone(plan, quarter):
    from hoshin.planning import session_services

    session_services.open_session(plan.office, quarter)
    client = Client()
    client.login(username=plan.office.email, password=PASSWORD)
    page = client.post(f"/planning/session/{quarter}/",
                       {"action": "decide", "fingerprint": "overlap:O1,O9", "kind": "remove"})
    assert page.status_code == 200 and "no such finding" in page.content.decode()
