"""Reading work items from Jira Cloud, Asana and GitHub, and sorting their statuses into
three categories: to do, in progress, done.

No Django here: each reader takes plain settings (the site's address, the credentials)
and returns a `Snapshot` (what the linked item is called, where it lives, and the work
items it stands for), or raises `TrackerFailure` with a message the initiative's owner can
act on. Messages never quote a token nor the body of an answer.

The shapes read are the peers' documented ones:

* Jira Cloud REST v3: `GET /rest/api/3/issue/{key}` (`fields.summary`,
  `fields.status.statusCategory.key`: new, indeterminate or done; `fields.issuetype`)
  and an epic's children with `GET /rest/api/3/search/jql?jql=parent = KEY` (pages
  follow `nextPageToken` until `isLast`). Basic auth with the account's e-mail and an
  API token.
* Asana REST 1.0: `GET /api/1.0/tasks/{gid}` (`data.completed`,
  `data.memberships[].section.name`), and a project (`GET /api/1.0/projects/{gid}`) with
  its tasks (`GET /api/1.0/projects/{gid}/tasks`, pages follow `next_page.offset`).
  Bearer personal access token.
* GitHub REST: `GET /repos/{owner}/{repo}/issues/{n}` (`state` open or closed,
  `state_reason`), and a tracking issue's sub-issues
  (`GET /repos/{owner}/{repo}/issues/{n}/sub_issues`, pages follow the Link header).
  Bearer token, `X-GitHub-Api-Version: 2022-11-28`.
"""

from __future__ import annotations

import base64
import json
import re
import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

TODO, IN_PROGRESS, DONE = "todo", "in_progress", "done"
CATEGORIES = (TODO, IN_PROGRESS, DONE)
CATEGORY_LABELS = {TODO: "To do", IN_PROGRESS: "In progress", DONE: "Done"}
MAX_BYTES = 5 * 1024 * 1024
# An epic or project with more children than this is read up to here (and says so).
MAX_ITEMS = 1000
DEFAULT_TIMEOUT = 10.0
GITHUB_API_VERSION = "2022-11-28"

JIRA_KEY = re.compile(r"^[A-Z][A-Z0-9_]{0,30}-[1-9][0-9]{0,9}$")
ASANA_GID = re.compile(r"^[0-9]{1,30}$")
GITHUB_REF = re.compile(r"^([A-Za-z0-9][A-Za-z0-9-]{0,38})/([A-Za-z0-9._-]{1,100})"
                        r"#([1-9][0-9]{0,9})$")


class TrackerFailure(Exception):
    """The tracker gave nothing usable; `kind` sorts failures for people and retries:
    timeout, auth, notfound, http, connection, value, config."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind
        self.message = message


@dataclass(frozen=True)
class Item:
    ref: str  # PAY-12, 1204, acme/app#42
    title: str
    category: str  # todo, in_progress, done
    status: str = ""  # the peer's own word: "In Review", "open", the Asana section

    def as_dict(self) -> dict:
        return {"ref": self.ref, "title": self.title, "category": self.category,
                "status": self.status}


@dataclass
class Snapshot:
    """What a linked item stands for: itself, or its children (an epic's issues, a
    project's tasks, a tracking issue's sub-issues)."""

    title: str
    url: str
    items: list[Item] = field(default_factory=list)
    scope: str = "item"  # item, or children
    truncated: bool = False

    def counts(self) -> dict[str, int]:
        found = {c: 0 for c in CATEGORIES}
        for item in self.items:
            found[item.category] += 1
        return found


def check_ref(kind: str, ref: str) -> str:
    """The reference as stored, or TrackerFailure("config")."""
    ref = (ref or "").strip()
    if kind == "jira":
        ref = ref.upper()
        if not JIRA_KEY.match(ref):
            raise TrackerFailure("config", f'"{ref[:40]}" is not a Jira issue key (PROJ-123)')
    elif kind == "asana":
        if not ASANA_GID.match(ref):
            raise TrackerFailure("config", f'"{ref[:40]}" is not an Asana task or project '
                                           "id (digits only)")
    elif kind == "github":
        if not GITHUB_REF.match(ref):
            raise TrackerFailure("config", f'"{ref[:60]}" is not a GitHub issue '
                                           "(owner/repo#number)")
    else:
        raise TrackerFailure("config", "the tracker must be jira, asana or github")
    return ref


# Status categories ----------------------------------------------------------------------


def jira_category(fields: dict) -> str:
    """Jira's own three categories: new (to do), indeterminate (in progress), done."""
    key = (((fields or {}).get("status") or {}).get("statusCategory") or {}).get("key")
    return {"new": TODO, "indeterminate": IN_PROGRESS, "done": DONE}.get(key, TODO)


# Asana has only "completed"; a task in a section named like one of these counts as begun.
ASANA_STARTED = re.compile(r"\b(doing|in progress|in-progress|started|in review|review|"
                           r"testing|wip|ongoing)\b", re.IGNORECASE)


def asana_category(task: dict) -> tuple[str, str]:
    if task.get("completed"):
        return DONE, "completed"
    sections = [((m or {}).get("section") or {}).get("name") or ""
                for m in task.get("memberships") or []]
    for name in sections:
        if ASANA_STARTED.search(name):
            return IN_PROGRESS, name
    return TODO, sections[0] if sections else "open"


def github_category(issue: dict) -> str | None:
    """Closed as completed is done; closed as not planned or duplicate counts for nothing
    (None: left out); open with someone assigned is in progress, otherwise to do."""
    if issue.get("state") == "closed":
        if issue.get("state_reason") in ("not_planned", "duplicate"):
            return None
        return DONE
    return IN_PROGRESS if issue.get("assignees") or issue.get("assignee") else TODO


# HTTP -----------------------------------------------------------------------------------


class _SameHostRedirects(urllib.request.HTTPRedirectHandler):
    """The credentials go only to the host they were given for."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        old, new = urllib.parse.urlsplit(req.full_url), urllib.parse.urlsplit(newurl)
        if (old.scheme, old.hostname, old.port) != (new.scheme, new.hostname, new.port):
            raise TrackerFailure("http", f"the tracker redirected to another host "
                                         f"({new.hostname})")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_SameHostRedirects)


def get_json(url: str, headers: dict[str, str], timeout: float,
             what: str = "the item") -> tuple[object, dict[str, str]]:
    """GET a JSON document: (the document, the answer's headers)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TrackerFailure("config", "the tracker's address must be an http(s) URL")
    request = urllib.request.Request(url, headers={"Accept": "application/json",
                                                   "User-Agent": "Hoshin-trackers/1",
                                                   **headers})
    try:
        with _OPENER.open(request, timeout=timeout) as answer:  # noqa: S310
            body = answer.read(MAX_BYTES + 1)
            answer_headers = {k.lower(): v for k, v in answer.headers.items()}
    except urllib.error.HTTPError as exc:
        if exc.code in (401, 403):
            raise TrackerFailure("auth", f"the tracker refused the credentials (HTTP "
                                         f"{exc.code}); check the token") from None
        if exc.code == 404:
            raise TrackerFailure("notfound", f"{what} was not found (HTTP 404), or the "
                                             "token may not see it") from None
        if exc.code == 429:
            raise TrackerFailure("http", "the tracker asks to slow down (HTTP 429)") from None
        raise TrackerFailure("http", f"the tracker answered HTTP {exc.code}") from None
    except (TimeoutError, socket.timeout):
        raise TrackerFailure("timeout", f"no answer within {timeout:g} s") from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, (TimeoutError, socket.timeout)):
            raise TrackerFailure("timeout", f"no answer within {timeout:g} s") from None
        raise TrackerFailure("connection", f"cannot reach {parts.hostname}: {exc.reason}") \
            from None
    except OSError as exc:
        raise TrackerFailure("connection", f"cannot reach {parts.hostname}: {exc}") from None
    if len(body) > MAX_BYTES:
        raise TrackerFailure("value", "the answer is larger than 5 MB")
    try:
        return json.loads(body), answer_headers
    except ValueError:
        raise TrackerFailure("value", "the tracker's answer is not JSON") from None


def _base(url: str) -> str:
    return (url or "").rstrip("/")


# Jira Cloud -----------------------------------------------------------------------------


def jira_headers(account: str, token: str) -> dict[str, str]:
    basic = base64.b64encode(f"{account}:{token}".encode()).decode()
    return {"Authorization": f"Basic {basic}"}


def read_jira(base_url: str, key: str, *, account: str, token: str,
              timeout: float = DEFAULT_TIMEOUT) -> Snapshot:
    """An issue, or an epic (any issue with children) standing for its child issues."""
    base, headers = _base(base_url), jira_headers(account, token)
    fields = "summary,status,issuetype"
    issue, _ = get_json(f"{base}/rest/api/3/issue/{urllib.parse.quote(key)}?fields={fields}",
                        headers, timeout, what=f"Jira issue {key}")
    if not isinstance(issue, dict) or not isinstance(issue.get("fields"), dict):
        raise TrackerFailure("value", f"Jira's answer for {key} has no fields")
    own = issue["fields"]
    real_key = issue.get("key") or key
    snapshot = Snapshot(title=str(own.get("summary") or real_key)[:300],
                        url=f"{base}/browse/{real_key}")
    children: list[Item] = []
    token_ = None
    while True:
        query = {"jql": f"parent = {real_key} ORDER BY key", "fields": "summary,status",
                 "maxResults": "100"}
        if token_:
            query["nextPageToken"] = token_
        page, _ = get_json(f"{base}/rest/api/3/search/jql?{urllib.parse.urlencode(query)}",
                           headers, timeout, what=f"the children of {real_key}")
        if not isinstance(page, dict):
            raise TrackerFailure("value", "Jira's search answer is not an object")
        for child in page.get("issues") or []:
            f = child.get("fields") or {}
            children.append(Item(str(child.get("key")), str(f.get("summary") or "")[:300],
                                 jira_category(f), _jira_status(f)))
        token_ = page.get("nextPageToken")
        if page.get("isLast", not token_) or not token_:
            break
        if len(children) >= MAX_ITEMS:
            snapshot.truncated = True
            break
    if children:
        snapshot.items, snapshot.scope = children[:MAX_ITEMS], "children"
    else:
        snapshot.items = [Item(real_key, snapshot.title, jira_category(own), _jira_status(own))]
    return snapshot


def _jira_status(fields: dict) -> str:
    return str(((fields or {}).get("status") or {}).get("name") or "")


# Asana ----------------------------------------------------------------------------------

ASANA_TASK_FIELDS = "name,completed,permalink_url,memberships.section.name"


def read_asana(base_url: str, gid: str, *, token: str,
               timeout: float = DEFAULT_TIMEOUT) -> Snapshot:
    """A task, or (when no task has this id) a project standing for its tasks."""
    base, headers = _base(base_url), {"Authorization": f"Bearer {token}"}
    try:
        found, _ = get_json(f"{base}/api/1.0/tasks/{gid}?opt_fields={ASANA_TASK_FIELDS}",
                            headers, timeout, what=f"Asana task {gid}")
    except TrackerFailure as failure:
        if failure.kind != "notfound":
            raise
        return _asana_project(base, gid, headers, timeout)
    task = _data(found, "task")
    category, status = asana_category(task)
    title = str(task.get("name") or gid)[:300]
    return Snapshot(title=title, url=str(task.get("permalink_url") or ""),
                    items=[Item(gid, title, category, status)])


def _data(document, what: str):
    if not isinstance(document, dict) or "data" not in document:
        raise TrackerFailure("value", f"Asana's answer for the {what} has no data")
    return document["data"]


def _asana_project(base, gid, headers, timeout) -> Snapshot:
    project = _data(get_json(f"{base}/api/1.0/projects/{gid}?opt_fields=name,permalink_url",
                             headers, timeout,
                             what=f"Asana task or project {gid}")[0], "project")
    snapshot = Snapshot(title=str(project.get("name") or gid)[:300],
                        url=str(project.get("permalink_url") or ""), scope="children")
    offset = None
    while True:
        query = {"opt_fields": ASANA_TASK_FIELDS, "limit": "100"}
        if offset:
            query["offset"] = offset
        page, _ = get_json(f"{base}/api/1.0/projects/{gid}/tasks?"
                           f"{urllib.parse.urlencode(query)}", headers, timeout,
                           what=f"the tasks of Asana project {gid}")
        for task in _data(page, "project's tasks") or []:
            category, status = asana_category(task)
            snapshot.items.append(Item(str(task.get("gid")), str(task.get("name") or "")[:300],
                                       category, status))
        offset = ((page.get("next_page") or {}) if isinstance(page, dict) else {}).get("offset")
        if not offset:
            break
        if len(snapshot.items) >= MAX_ITEMS:
            snapshot.truncated = True
            break
    return snapshot


# GitHub ---------------------------------------------------------------------------------


def github_headers(token: str) -> dict[str, str]:
    headers = {"Accept": "application/vnd.github+json",
               "X-GitHub-Api-Version": GITHUB_API_VERSION}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return headers


_NEXT_LINK = re.compile(r'<([^>]+)>\s*;\s*rel="next"')


def read_github(base_url: str, ref: str, *, token: str,
                timeout: float = DEFAULT_TIMEOUT) -> Snapshot:
    """An issue, or a tracking issue standing for its sub-issues."""
    owner, repo, number = GITHUB_REF.match(ref).groups()
    base, headers = _base(base_url), github_headers(token)
    issue, _ = get_json(f"{base}/repos/{owner}/{repo}/issues/{number}", headers, timeout,
                        what=f"GitHub issue {ref}")
    if not isinstance(issue, dict) or "state" not in issue:
        raise TrackerFailure("value", f"GitHub's answer for {ref} is not an issue")
    title = str(issue.get("title") or ref)[:300]
    snapshot = Snapshot(title=title, url=str(issue.get("html_url") or ""))
    summary = issue.get("sub_issues_summary") or {}
    if summary.get("total"):
        url = f"{base}/repos/{owner}/{repo}/issues/{number}/sub_issues?per_page=100"
        while url:
            page, answer_headers = get_json(url, headers, timeout,
                                            what=f"the sub-issues of {ref}")
            for sub in page if isinstance(page, list) else []:
                category = github_category(sub)
                if category is None:
                    continue
                sub_ref = _github_ref(sub, owner, repo)
                snapshot.items.append(Item(sub_ref, str(sub.get("title") or "")[:300],
                                           category, _github_status(sub)))
            found = _NEXT_LINK.search(answer_headers.get("link", ""))
            url = found.group(1) if found else None
            if url and not url.startswith(base + "/"):
                url = None  # the token goes to the API's own host only
            if len(snapshot.items) >= MAX_ITEMS:
                snapshot.truncated = bool(url)
                break
        snapshot.scope = "children"
        return snapshot
    category = github_category(issue)
    if category is not None:
        snapshot.items = [Item(ref, title, category, _github_status(issue))]
    return snapshot


def _github_ref(issue: dict, owner: str, repo: str) -> str:
    # A sub-issue may live in another repository: its repository_url says which.
    repo_url = str(issue.get("repository_url") or "")
    if "/repos/" in repo_url:
        owner, repo = repo_url.split("/repos/", 1)[1].split("/")[:2]
    return f"{owner}/{repo}#{issue.get('number')}"


def _github_status(issue: dict) -> str:
    state = str(issue.get("state") or "")
    reason = issue.get("state_reason")
    return f"{state} ({reason})" if state == "closed" and reason else state


def read(kind: str, base_url: str, ref: str, *, account: str = "", token: str = "",
         timeout: float = DEFAULT_TIMEOUT) -> Snapshot:
    if kind == "jira":
        return read_jira(base_url, ref, account=account, token=token, timeout=timeout)
    if kind == "asana":
        return read_asana(base_url, ref, token=token, timeout=timeout)
    if kind == "github":
        return read_github(base_url, ref, token=token, timeout=timeout)
    raise TrackerFailure("config", f'unknown tracker "{kind}"')
