"""Local fakes of Jira Cloud, Asana and GitHub, started by the tests (stdlib HTTP servers
in threads). Each serves its peer's documented JSON shapes and checks its auth header the
way the peer does, pages its lists the peer's way (Jira's nextPageToken/isLast, Asana's
next_page.offset, GitHub's Link header), and can be told to fail (500, slow answers)."""

from __future__ import annotations

import base64
import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

JIRA_EMAIL = "ops-bot@kestrel.test"
JIRA_TOKEN = "ATATT3xFfGF0-jira-token"
ASANA_TOKEN = "2/1204/1205:asana-pat-secret"
GITHUB_TOKEN = "github_pat_11ABCDEFG_secret"


class FakePeer:
    page_size = 2  # small pages, so every list is read across pages

    def __init__(self):
        self.requests: list[tuple[str, dict]] = []
        self.fail_next: list[int] = []  # statuses to answer before serving again
        self.slow = 0.0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def authorised(self, headers) -> bool:
        raise NotImplementedError

    def unauthorised(self) -> tuple[int, object, dict]:
        return 401, {"message": "unauthorised"}, {}

    def answer(self, path: str, query: dict) -> tuple[int, object, dict]:
        raise NotImplementedError

    def _handler(self):
        peer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                peer.requests.append((self.path, dict(self.headers)))
                if peer.slow:
                    time.sleep(peer.slow)
                if peer.fail_next:
                    status = peer.fail_next.pop(0)
                    return self._send(status, {"message": "server error"}, {})
                if not peer.authorised(self.headers):
                    return self._send(*peer.unauthorised())
                parts = urllib.parse.urlsplit(self.path)
                query = {k: v[-1] for k, v in urllib.parse.parse_qs(parts.query).items()}
                self._send(*peer.answer(parts.path, query))

            def _send(self, status, document, headers):
                body = json.dumps(document).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                    self.send_header("Content-Length", str(len(body)))
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        return Handler

    def close(self):
        self.server.shutdown()
        self.server.server_close()


# Jira Cloud REST v3 ------------------------------------------------------------------------

JIRA_CATEGORIES = {
    "new": {"id": 2, "key": "new", "colorName": "blue-gray", "name": "To Do"},
    "indeterminate": {"id": 4, "key": "indeterminate", "colorName": "yellow",
                      "name": "In Progress"},
    "done": {"id": 3, "key": "done", "colorName": "green", "name": "Done"},
}


class FakeJira(FakePeer):
    """Basic auth with the account's e-mail and an API token, as Jira Cloud asks."""

    def __init__(self):
        super().__init__()
        self.issues: dict[str, dict] = {}

    def add(self, key: str, summary: str, category: str, status: str = "",
            parent: str | None = None, issuetype: str = "Story") -> None:
        status = status or JIRA_CATEGORIES[category]["name"]
        n = 10000 + len(self.issues)
        fields = {
            "summary": summary,
            "status": {"self": f"{self.url}/rest/api/3/status/{n}", "name": status,
                       "id": str(n), "statusCategory": {
                           "self": f"{self.url}/rest/api/3/statuscategory/"
                                   f"{JIRA_CATEGORIES[category]['id']}",
                           **JIRA_CATEGORIES[category]}},
            "issuetype": {"name": issuetype, "subtask": False,
                          "hierarchyLevel": 1 if issuetype == "Epic" else 0},
        }
        if parent:
            fields["parent"] = {"id": str(n - 1), "key": parent}
        self.issues[key] = {"expand": "renderedFields,names,schema", "id": str(n),
                            "self": f"{self.url}/rest/api/3/issue/{n}", "key": key,
                            "fields": fields}

    def authorised(self, headers) -> bool:
        expected = base64.b64encode(f"{JIRA_EMAIL}:{JIRA_TOKEN}".encode()).decode()
        return headers.get("Authorization") == f"Basic {expected}"

    def unauthorised(self):
        return 401, {"errorMessages": ["You are not authenticated. Authentication required "
                                       "to perform this operation."], "errors": {}}, {}

    def answer(self, path, query):
        if path.startswith("/rest/api/3/issue/"):
            key = urllib.parse.unquote(path.rsplit("/", 1)[1])
            issue = self.issues.get(key)
            if issue is None:
                return 404, {"errorMessages": ["Issue does not exist or you do not have "
                                               "permission to see it."], "errors": {}}, {}
            return 200, issue, {}
        if path == "/rest/api/3/search/jql":
            jql = query.get("jql", "")
            parent = jql.split("parent = ", 1)[1].split()[0] if "parent = " in jql else None
            children = sorted((i for i in self.issues.values()
                               if (i["fields"].get("parent") or {}).get("key") == parent),
                              key=lambda i: int(i["key"].split("-")[1]))
            start = int(query.get("nextPageToken") or 0)
            page = children[start:start + self.page_size]
            last = start + self.page_size >= len(children)
            document = {"issues": [{"expand": "", "id": i["id"], "self": i["self"],
                                    "key": i["key"],
                                    "fields": {"summary": i["fields"]["summary"],
                                               "status": i["fields"]["status"]}}
                                   for i in page], "isLast": last}
            if not last:  # Jira leaves the token out on the last page
                document["nextPageToken"] = str(start + self.page_size)
            return 200, document, {}
        return 404, {"errorMessages": ["not found"]}, {}


# Asana REST 1.0 ----------------------------------------------------------------------------


class FakeAsana(FakePeer):
    """A personal access token as a bearer token."""

    def __init__(self):
        super().__init__()
        self.tasks: dict[str, dict] = {}
        self.projects: dict[str, dict] = {}

    def add_project(self, gid: str, name: str) -> None:
        self.projects[gid] = {"gid": gid, "resource_type": "project", "name": name,
                              "permalink_url": f"https://app.asana.com/0/{gid}/list"}

    def add_task(self, gid: str, name: str, completed: bool = False, section: str = "To do",
                 project: str | None = None) -> None:
        memberships = []
        if project:
            memberships.append({"project": {"gid": project, "resource_type": "project",
                                            "name": self.projects[project]["name"]},
                                "section": {"gid": f"s{abs(hash(section)) % 10**6}",
                                            "resource_type": "section", "name": section}})
        self.tasks[gid] = {"gid": gid, "resource_type": "task", "name": name,
                           "completed": completed,
                           "permalink_url": f"https://app.asana.com/0/0/{gid}/f",
                           "memberships": memberships, "_project": project}

    def authorised(self, headers) -> bool:
        return headers.get("Authorization") == f"Bearer {ASANA_TOKEN}"

    def unauthorised(self):
        return 401, {"errors": [{"message": "Not Authorized"}]}, {}

    @staticmethod
    def _shown(task: dict) -> dict:
        return {k: v for k, v in task.items() if not k.startswith("_")}

    def answer(self, path, query):
        parts = path.strip("/").split("/")
        if parts[:2] != ["api", "1.0"]:
            return 404, {"errors": [{"message": "Not found"}]}, {}
        parts = parts[2:]
        if len(parts) == 2 and parts[0] == "tasks":
            task = self.tasks.get(parts[1])
            if task is None:
                return 404, {"errors": [{"message": f"task: Unknown object: {parts[1]}",
                                         "help": "For more information on API status codes "
                                                 "and how to handle them, read the docs on "
                                                 "errors: https://developers.asana.com/docs/"
                                                 "errors"}]}, {}
            return 200, {"data": self._shown(task)}, {}
        if len(parts) == 2 and parts[0] == "projects":
            project = self.projects.get(parts[1])
            if project is None:
                return 404, {"errors": [{"message": f"project: Unknown object: {parts[1]}"}]}, {}
            return 200, {"data": project}, {}
        if len(parts) == 3 and parts[0] == "projects" and parts[2] == "tasks":
            tasks = [self._shown(t) for t in self.tasks.values() if t["_project"] == parts[1]]
            limit = min(int(query.get("limit", 100)), self.page_size)
            start = int(query.get("offset") or 0)
            page = tasks[start:start + limit]
            following = None
            if start + limit < len(tasks):
                offset = str(start + limit)
                following = {"offset": offset,
                             "path": f"/projects/{parts[1]}/tasks?limit={limit}&offset={offset}",
                             "uri": f"https://app.asana.com/api/1.0/projects/{parts[1]}/tasks"
                                    f"?limit={limit}&offset={offset}"}
            return 200, {"data": page, "next_page": following}, {}
        return 404, {"errors": [{"message": "Not found"}]}, {}


# GitHub REST ---------------------------------------------------------------------------------


class FakeGitHub(FakePeer):
    """A bearer token, with the API version header GitHub documents."""

    def __init__(self):
        super().__init__()
        self.issues: dict[str, dict] = {}
        self.parents: dict[str, str] = {}

    def add(self, ref: str, title: str, state: str = "open", state_reason: str | None = None,
            assignees: tuple[str, ...] = (), parent: str | None = None) -> None:
        repo, number = ref.split("#")
        n = int(number)
        self.issues[ref] = {
            "id": 1000000 + len(self.issues), "node_id": f"I_kw{n}",
            "url": f"{self.url}/repos/{repo}/issues/{n}",
            "repository_url": f"{self.url}/repos/{repo}",
            "html_url": f"https://github.com/{repo}/issues/{n}", "number": n, "state": state,
            "state_reason": state_reason, "title": title, "body": None,
            "user": {"login": "octocat", "id": 1},
            "labels": [], "assignee": ({"login": assignees[0]} if assignees else None),
            "assignees": [{"login": a} for a in assignees], "locked": False, "comments": 0,
            "created_at": "2026-10-01T09:00:00Z", "updated_at": "2026-10-05T09:00:00Z",
            "closed_at": "2026-10-05T09:00:00Z" if state == "closed" else None,
            "sub_issues_summary": {"total": 0, "completed": 0, "percent_completed": 0},
        }
        if parent:
            self.parents[ref] = parent
            summary = self.issues[parent]["sub_issues_summary"]
            summary["total"] += 1
            summary["completed"] += state == "closed"
            summary["percent_completed"] = round(100 * summary["completed"] / summary["total"])

    def authorised(self, headers) -> bool:
        return (headers.get("Authorization") == f"Bearer {GITHUB_TOKEN}"
                and headers.get("X-GitHub-Api-Version") == "2022-11-28")

    def unauthorised(self):
        return 401, {"message": "Bad credentials",
                     "documentation_url": "https://docs.github.com/rest", "status": "401"}, {}

    def answer(self, path, query):
        parts = path.strip("/").split("/")
        if len(parts) >= 5 and parts[0] == "repos" and parts[3] == "issues":
            ref = f"{parts[1]}/{parts[2]}#{parts[4]}"
            issue = self.issues.get(ref)
            if issue is None:
                return 404, {"message": "Not Found",
                             "documentation_url": "https://docs.github.com/rest/issues/"
                                                  "issues#get-an-issue", "status": "404"}, {}
            if len(parts) == 5:
                return 200, issue, {}
            if len(parts) == 6 and parts[5] == "sub_issues":
                subs = [self.issues[r] for r, p in self.parents.items() if p == ref]
                page = int(query.get("page") or 1)
                per_page = min(int(query.get("per_page", 30)), self.page_size)
                chunk = subs[(page - 1) * per_page:page * per_page]
                headers = {}
                if page * per_page < len(subs):
                    headers["Link"] = (f'<{self.url}{path}?per_page={per_page}&page={page + 1}>; '
                                       f'rel="next"')
                return 200, chunk, headers
        return 404, {"message": "Not Found", "status": "404"}, {}


@pytest.fixture
def jira():
    peer = FakeJira()
    yield peer
    peer.close()


@pytest.fixture
def asana():
    peer = FakeAsana()
    yield peer
    peer.close()


@pytest.fixture
def github():
    peer = FakeGitHub()
    yield peer
    peer.close()


@pytest.fixture
def short_timeout(settings):
    settings.HOSHIN_TRACKERS_TIMEOUT = 0.5
    return 0.5


@pytest.fixture
def as_(plan):
    """as_(person) → an API client with that person's token (None: anonymous)."""
    from hoshin.org import services as org
    from tests.api.conftest import ApiClient

    def make(who):
        return ApiClient(org.create_token(None, who) if who is not None else None)

    return make
