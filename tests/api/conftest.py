"""Clients of the REST API acting as each role of the `plan` fixture."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from hoshin.org import services as org

BASE = "/api/v1"


class ApiClient:
    """A test client that speaks JSON to /api/v1, with a bearer token when given one."""

    def __init__(self, token: str | None = None):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path: str, **params):
        return self.client.get(BASE + path, params, headers=self.headers)

    def _send(self, method: str, path: str, data, raw: str | None = None):
        body = raw if raw is not None else ("" if data is None else json.dumps(data))
        return getattr(self.client, method)(BASE + path, body, content_type="application/json",
                                            headers=self.headers)

    def post(self, path: str, data=None, raw: str | None = None):
        return self._send("post", path, data, raw)

    def patch(self, path: str, data=None, raw: str | None = None):
        return self._send("patch", path, data, raw)

    def put(self, path: str, data=None, raw: str | None = None):
        return self._send("put", path, data, raw)


@pytest.fixture
def other_member(plan):
    """A member of sales who owns no key result."""
    from tests.factories import person

    return person("other@acme.test", "member", "Olga Other", units=["sales"])


@pytest.fixture
def as_(plan):
    """as_(person) → an ApiClient authenticated as that person (None: anonymous)."""

    def make(who) -> ApiClient:
        return ApiClient(org.create_token(None, who) if who is not None else None)

    return make


@pytest.fixture
def admin_api(as_, plan) -> ApiClient:
    return as_(plan.admin)
