"""Sources of key results' values and of strategy metrics' actuals: adding, changing
(keeping the stored secrets the web never shows), trying without storing, and removing
one, and syncing (read the value, record it as a check-in through okrs's check-in service,
or as the month's actual of a metric through strategy's service, or record the failure).

Reading a source waits on the network or another database, so it runs outside any
transaction; only what it found is written, in one transaction per source
(`_record_reading`, `_record_failure`).

The unchanged rule: a reading equal to the key result's latest check-in records no new
check-in, unless that check-in is a week old or more (then one check-in confirms the value
is still current, so the key result is not "silent"). A changed value is recorded at once.

Retries: after a failure the source is read again after 5 minutes, then 10, 20, ... doubling
up to 12 hours; a good reading puts it back on its own schedule. At the third failure in a
row the owner is told once (notify), with the reason. A failure changes nothing
but the source's own record: no check-in, no value, no reading is overwritten or deleted.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import urllib.parse
from dataclasses import dataclass

from django.conf import settings

from hoshin.core import clock
from hoshin.core.errors import DomainError, ErrorCollector, NotFound
from hoshin.core.history import service
from hoshin.okrs import services as okrs
from hoshin.okrs.models import Cycle, KeyResult
from hoshin.org import permissions
from hoshin.org.models import Person
from hoshin.sources import fetch, vault
from hoshin.sources.models import Reading, Source
from hoshin.strategy import services as strategy
from hoshin.strategy.models import Metric, MetricActual

log = logging.getLogger("hoshin.sources")

FIRST_RETRY = dt.timedelta(minutes=5)
LONGEST_RETRY = dt.timedelta(hours=12)
CONFIRM_AFTER = dt.timedelta(days=7)
# The owner is told when this many readings in a row failed (5 + 10 minutes of retries).
TELL_OWNER_AFTER = 3
MIN_EVERY, MAX_EVERY = 5, 7 * 24 * 60


def retry_delay(failures: int) -> dt.timedelta:
    """5 minutes after the first failure, doubling with each one after, at most 12 hours."""
    return min(FIRST_RETRY * (2 ** max(0, min(failures, 20) - 1)), LONGEST_RETRY)


def can_manage(actor: Person | None, target: KeyResult | Metric) -> bool:
    """Who may set what is fed: a key result's owner, its unit's leads and the strategy
    office; a metric's owner and the strategy office (who record its actuals by hand)."""
    if isinstance(target, Metric):
        return permissions.can_edit_strategy(actor) or (
            actor is not None and target.owner_id == actor.pk)
    return permissions.can_check_in(actor, target)


def _key_result(key: str | KeyResult) -> KeyResult:
    if isinstance(key, KeyResult):
        return key
    kr = KeyResult.objects.select_related("objective__cycle", "objective__unit").filter(
        key=key).first()
    if kr is None:
        raise NotFound.field("key_result", f'unknown key result "{key}"')
    return kr


def _target(key: str | KeyResult | Metric) -> KeyResult | Metric:
    """A key result or a metric, by key (key results and metrics have distinct keys)."""
    if isinstance(key, (KeyResult, Metric)):
        return key
    kr = KeyResult.objects.select_related("objective__cycle", "objective__unit").filter(
        key=key).first()
    if kr is not None:
        return kr
    metric = Metric.objects.filter(key=key).first()
    if metric is None:
        raise NotFound.field("key_result", f'unknown key result or metric "{key}"')
    return metric


def _fed(target: KeyResult | Metric) -> dict:
    """The Source fields that point at the target."""
    return {"metric": target} if isinstance(target, Metric) else {"key_result": target}


def _noun(target: KeyResult | Metric) -> str:
    return f'metric "{target.key}"' if isinstance(target, Metric) else \
        f'key result "{target.key}"'


def files_dir() -> str | None:
    configured = getattr(settings, "HOSHIN_SOURCES_DIR", "") or ""
    return os.path.realpath(configured) if configured else None


def _local_file_error(path: str, by_operator: bool) -> str | None:
    """Local files (CSV, SQLite) read by the server: the operator's command line may name
    any; people through the web or the API only those under HOSHIN_SOURCES_DIR, so an
    owner cannot read the server's own files through a source."""
    if by_operator:
        return None
    allowed = files_dir()
    if allowed is None:
        return ("local files can be named only from the server's command line "
                "(or under HOSHIN_SOURCES_DIR, which is not set)")
    real = os.path.realpath(os.path.join(allowed, path))
    if os.path.commonpath([real, allowed]) != allowed:
        return f"only files under {allowed} can be read"
    return None


def _open_local(source: Source):
    def read(path: str) -> bytes:
        if error := _local_file_error(path, source.by_operator):
            raise fetch.SourceFailure("config", error)
        full = path if source.by_operator else os.path.join(files_dir() or "", path)
        try:
            with open(full, "rb") as f:
                data = f.read(fetch.MAX_BYTES + 1)
        except OSError as exc:
            raise fetch.SourceFailure("connection", f"cannot read {path}: "
                                                    f"{exc.strerror or exc}") from None
        if len(data) > fetch.MAX_BYTES:
            raise fetch.SourceFailure("value", "the file is larger than 5 MB")
        return data

    return read


def _parse_headers(headers, errors: ErrorCollector) -> dict[str, str]:
    """Headers as {"Name": "value"} or ["Name: value", ...] (the CLI's --header K:V)."""
    if not headers:
        return {}
    if isinstance(headers, dict):
        pairs = list(headers.items())
    else:
        pairs = []
        for item in headers:
            name, sep, value = str(item).partition(":")
            if not sep:
                errors.add("headers", f'"{name[:40]}" is not Name: value')
                continue
            pairs.append((name, value))
    parsed = {}
    for name, value in pairs:
        name, value = str(name).strip(), str(value).strip()
        if not name or not all(c.isalnum() or c in "-_" for c in name):
            errors.add("headers", f'"{name[:40]}" is not a header name')
        elif "\n" in value or "\r" in value:
            errors.add("headers", f"the value of {name} has a line break")
        else:
            parsed[name] = value
    return parsed


@service
def add_source(actor: Person | None, key_result: str | KeyResult | Metric, *, kind: str,
               url: str = "", json_path: str = "", headers=None, token: str = "",
               query: str = "", database_url: str = "", file: str = "", column: str = "",
               row: str = "", combine: str = "", every_minutes: int = 60) -> Source:
    """Feed a key result from a source (replacing the one it had). `kind` is http (url,
    json_path, headers, token), sql (query, database_url), csv (file: a path or URL,
    column, row) or children (combine: sum or average, of the aligned key results).
    `key_result` may also name a strategy metric: each reading then sets the metric's actual
    of the month it was read in."""
    kr = _target(key_result)
    permissions.require(can_manage(actor, kr), f"set the source of {_noun(kr)}")
    fields = _checked(actor, kr, kind=kind, url=url, json_path=json_path, headers=headers,
                      token=token, query=query, database_url=database_url, file=file,
                      column=column, row=row, combine=combine, every_minutes=every_minutes)
    secret = fields.pop("secret")
    now = clock.now()
    source, _ = Source.objects.update_or_create(**_fed(kr), defaults=dict(
        sealed=vault.seal(secret), created_by=actor, created_at=now, checked_at=None,
        value=None, value_at=None, failures=0, error="", error_kind="", failing_since=None,
        next_at=now, **fields))
    return source


def _checked(actor: Person | None, kr: KeyResult | Metric, *, kind: str, url: str,
             json_path: str, headers, token: str, query: str, database_url: str, file: str,
             column: str, row: str, combine: str, every_minutes: int) -> dict:
    """The Source's fields for what was given (its secret under "secret", not sealed), or
    the DomainError naming every field that is wrong: the rules of add_source and
    try_source, whoever calls (the API, the CLI, the web)."""
    is_metric = isinstance(kr, Metric)
    if kr.archived_at is not None:
        raise DomainError.field("key_result", f"{_noun(kr)} is archived")
    errors = ErrorCollector()
    if not is_metric and kr.kind == KeyResult.Kind.MILESTONE and kr.steps.exists():
        errors.add("key_result", f'key result "{kr.key}" is reached by steps, which a '
                                 "number cannot give")
    by_operator = actor is None
    secret: dict = {}
    values: dict = {"query": "", "json_path": "", "column": "", "row": "", "combine": "",
                    "header_names": []}
    if kind == Source.Kind.HTTP:
        url = (url or "").strip()
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            errors.add("url", "must be an http(s) address")
        elif parts.username or parts.password:
            errors.add("url", "put credentials in the token or a header, not in the address")
        if not (json_path or "").strip():
            errors.add("json_path", "is required (e.g. $.data.total)")
        else:
            try:
                fetch.check_json_path(json_path.strip())
            except fetch.SourceFailure as exc:
                errors.add("json_path", exc.message)
        parsed = _parse_headers(headers, errors)
        location = url
        values.update(json_path=(json_path or "").strip(), header_names=sorted(parsed))
        secret = {"headers": parsed, "token": (token or "").strip()}
    elif kind == Source.Kind.SQL:
        database_url = (database_url or "").strip()
        if not (query or "").strip():
            errors.add("query", "is required")
        path = fetch.sqlite_path(database_url)
        if path is not None:
            if not path or path == ":memory:":
                errors.add("database_url", "a SQLite source needs a database file")
            elif problem := _local_file_error(path, by_operator):
                errors.add("database_url", problem)
        elif not database_url.startswith(("postgres://", "postgresql://")):
            errors.add("database_url", "must be sqlite:///FILE or postgresql://...")
        location = fetch.redact_database_url(database_url)
        values.update(query=(query or "").strip())
        secret = {"database_url": database_url}
    elif kind == Source.Kind.CSV:
        file = (file or "").strip()
        if not file:
            errors.add("file", "is required (a path or an http(s) address)")
        elif file.startswith(("http://", "https://")):
            if urllib.parse.urlsplit(file).password:
                errors.add("file", "the address must not carry a password")
        elif problem := _local_file_error(file, by_operator):
            errors.add("file", problem)
        if not (column or "").strip():
            errors.add("column", "is required")
        try:
            row = fetch.check_row(row)
        except fetch.SourceFailure as exc:
            errors.add("row", exc.message)
        location = file
        values.update(column=(column or "").strip(), row=row)
    elif kind == Source.Kind.CHILDREN and is_metric:
        errors.add("kind", "a metric is fed by http, sql or csv; aligned key results feed "
                           "only a key result")
        location = ""
    elif kind == Source.Kind.CHILDREN:
        if combine not in Source.Combine.values:
            errors.add("combine", "must be sum or average")
        label = Source.Combine(combine).label if combine in Source.Combine.values else ""
        location = f"{label.lower()} of the aligned key results"
        values.update(combine=combine)
    else:
        errors.add("kind", "must be http, sql, csv or children")
        location = ""
    if not isinstance(every_minutes, int) or not MIN_EVERY <= every_minutes <= MAX_EVERY:
        errors.add("every_minutes", f"must be from {MIN_EVERY} to {MAX_EVERY} (a week)")
    errors.raise_if_any()
    return dict(kind=kind, location=location, secret=secret, every_minutes=every_minutes,
                by_operator=by_operator, **values)


def secrets_shown(source: Source | None) -> dict:
    """What may be said of a source's stored secrets, as the API says it: whether a token
    is set, the headers' names, the database URL without its password."""
    shown = {"token": False, "headers": [], "database_url": ""}
    if source is None:
        return shown
    if source.kind == Source.Kind.HTTP:
        try:
            secret = vault.unseal(source.sealed) if source.sealed else {}
        except vault.SecretUnreadable:
            secret = {}
        shown.update(token=bool(secret.get("token")), headers=list(source.header_names or []))
    elif source.kind == Source.Kind.SQL:
        shown["database_url"] = source.location
    return shown


def _secrets(kr: KeyResult | Metric, kind: str, *, token: str | None, headers,
             database_url: str | None) -> dict:
    """The secrets for change_source and try_source, whose callers (the web's form) never
    see the stored ones: a secret given as None is the stored source's, when that source is
    of the same kind (otherwise none); "" (or no headers) clears it."""
    given = {"token": token, "headers": headers, "database_url": database_url}
    if all(v is not None for v in given.values()):
        return given
    stored: dict = {}
    source = Source.objects.filter(**_fed(kr)).first()
    if source is not None and source.kind == kind and source.sealed:
        try:
            stored = vault.unseal(source.sealed)
        except vault.SecretUnreadable as exc:
            field = "database_url" if kind == Source.Kind.SQL else \
                "token" if token is None else "headers"
            raise DomainError.field(field, f"{exc}; or type the secret again") from None
    empty = {"token": "", "headers": {}, "database_url": ""}
    return {name: value if value is not None else (stored.get(name) or empty[name])
            for name, value in given.items()}


@service
def change_source(actor: Person | None, key_result: str | KeyResult | Metric, *, kind: str,
                  token: str | None = None, headers=None, database_url: str | None = None,
                  **fields) -> Source:
    """add_source for a form that never shows the stored secrets: a token, headers or a
    database URL given as None keeps the one stored (if the source stays of its kind); the
    rest is as add_source (every field checked again, the source read anew)."""
    kr = _target(key_result)
    permissions.require(can_manage(actor, kr), f"set the source of {_noun(kr)}")
    secrets = _secrets(kr, kind, token=token, headers=headers, database_url=database_url)
    return add_source(actor, kr, kind=kind, **secrets, **fields)


def try_source(actor: Person | None, key_result: str | KeyResult | Metric, *, kind: str,
               token: str | None = None, headers=None, database_url: str | None = None,
               **fields) -> Outcome:
    """Read a source as it would be set (change_source's arguments) without storing
    anything: Outcome "read" with the value, or "failed" with the reason. Checked as
    add_source checks (DomainError for a wrong field); not a transaction, as it waits on
    another system."""
    kr = _target(key_result)
    permissions.require(can_manage(actor, kr), f"try a source of {_noun(kr)}")
    secrets = _secrets(kr, kind, token=token, headers=headers, database_url=database_url)
    checked = _checked(actor, kr, kind=kind, **secrets, **{
        "url": "", "json_path": "", "query": "", "file": "", "column": "", "row": "",
        "combine": "", "every_minutes": 60, **fields})
    source = Source(**_fed(kr), sealed=vault.seal(checked.pop("secret")), **checked)
    metric = isinstance(kr, Metric)
    try:
        value = read_value(source)
    except fetch.SourceFailure as failure:
        return Outcome(kr.key, "failed", error=failure.message, metric=metric)
    except Exception as exc:  # a reader's own bug: said, not raised at the person
        log.exception("trying a source of %s failed unexpectedly", kr.key)
        return Outcome(kr.key, "failed", metric=metric,
                       error=f"unexpected error ({type(exc).__name__}); see the server log")
    return Outcome(kr.key, "read", value=value, metric=metric)


@service
def remove_source(actor: Person | None, key_result: str | KeyResult | Metric) -> None:
    """Stop feeding the key result (or metric). Its check-ins (automatic ones too) and
    actuals stay."""
    kr = _target(key_result)
    permissions.require(can_manage(actor, kr), f"remove the source of {_noun(kr)}")
    source = Source.objects.filter(**_fed(kr)).first()
    if source is None:
        raise NotFound.field("key_result", f"{_noun(kr)} has no source")
    source.delete()


@dataclass(frozen=True)
class Outcome:
    """What one sync did: `recorded` (a new check-in, or a metric's actual set),
    `unchanged`, or `failed`; what try_source did: `read` (nothing recorded) or `failed`.
    `key_result` is the key of what was fed (a key result's or a metric's)."""

    key_result: str
    result: str
    value: float | None = None
    error: str = ""
    checkin_id: int | None = None
    metric: bool = False
    period: str = ""

    def as_dict(self) -> dict:
        return {"key_result": self.key_result, "result": self.result, "value": self.value,
                "error": self.error, "checkin": self.checkin_id,
                "metric": self.key_result if self.metric else None,
                "period": self.period or None}


def read_value(source: Source, timeout: float | None = None) -> float:
    """Read the source now (no writes). Raises fetch.SourceFailure."""
    timeout = timeout or float(getattr(settings, "HOSHIN_SOURCES_TIMEOUT", 10))
    try:
        secret = vault.unseal(source.sealed)
    except vault.SecretUnreadable as exc:
        raise fetch.SourceFailure("config", str(exc)) from None
    if source.kind == Source.Kind.HTTP:
        return fetch.read_http(source.location, source.json_path,
                               headers=secret.get("headers") or {},
                               token=secret.get("token"), timeout=timeout)
    if source.kind == Source.Kind.SQL:
        database_url = secret.get("database_url", "")
        path = fetch.sqlite_path(database_url)
        if path and (problem := _local_file_error(path, source.by_operator)):
            raise fetch.SourceFailure("config", problem)
        if path and not source.by_operator:
            database_url = "sqlite:///" + os.path.join(files_dir() or "", path)
        return fetch.read_sql(database_url, source.query, timeout)
    if source.kind == Source.Kind.CHILDREN:
        return children_value(source)
    return fetch.read_csv(source.location, source.column, source.row or "last",
                          open_file=_open_local(source), timeout=timeout)


def aligned_key_results(key_result: KeyResult):
    """The key results aligned under this one: those of the objectives whose parent is
    its objective (not archived, not milestones: a milestone's 0-1 adds to nothing)."""
    return (KeyResult.objects.filter(objective__parent_objective_id=key_result.objective_id,
                                     objective__archived_at__isnull=True,
                                     archived_at__isnull=True)
            .exclude(kind=KeyResult.Kind.MILESTONE).select_related("last_checkin")
            .order_by("key"))


def children_value(source: Source) -> float:
    """The sum of the aligned key results' latest values, or their average weighted by
    each key result's weight. Those not checked in yet are left out (and named, when
    none has a value)."""
    children = list(aligned_key_results(source.key_result))
    if not children:
        raise fetch.SourceFailure("config", "no key result is aligned under this one (the "
                                            "key results of its child objectives)")
    read = [(kr.last_checkin.value, kr.weight) for kr in children
            if kr.last_checkin is not None and kr.last_checkin.value is not None]
    if not read:
        raise fetch.SourceFailure("value", "no aligned key result has a value yet ("
                                           + ", ".join(kr.key for kr in children[:10]) + ")")
    if source.combine == Source.Combine.SUM:
        value = sum(v for v, _ in read)
    else:
        total = sum(w for _, w in read)
        if total <= 0:
            raise fetch.SourceFailure("value", "the aligned key results' weights add up to 0")
        value = sum(v * w for v, w in read) / total
    return fetch.number(value, "the combined value")


def sync_source(actor: Person | None, source: Source | str) -> Outcome:
    """Read one source and record what it gave. Not one transaction: the reading waits on
    another system outside any transaction, then the result is written in one."""
    if not isinstance(source, Source):
        target = _target(source)
        source = Source.objects.filter(**_fed(target)).first()
        if source is None:
            raise NotFound.field("key_result", f"{_noun(target)} has no source")
    if source.metric_id:
        kr = Metric.objects.get(pk=source.metric_id)
    else:
        kr = KeyResult.objects.select_related("objective__cycle", "objective__unit").get(
            pk=source.key_result_id)
    permissions.require(can_manage(actor, kr), f"sync the source of {_noun(kr)}")
    try:
        value = read_value(source)
    except fetch.SourceFailure as failure:
        return _record_failure(None, source.pk, failure.kind, failure.message)
    except Exception as exc:  # a reader's own bug must not stop the other sources
        log.exception("reading the source of %s failed unexpectedly", kr.key)
        return _record_failure(None, source.pk, "error",
                               f"unexpected error ({type(exc).__name__}); see the server log")
    try:
        if source.metric_id:
            return _record_metric_reading(None, source.pk, value)
        return _record_reading(None, source.pk, value)
    except DomainError as exc:
        # The key result refuses the value (a closed quarter, a milestone given 7): the
        # source's failure, shown to the owner like any other.
        message = "; ".join(str(e) for e in exc.errors)
        return _record_failure(None, source.pk, "value", f"not recorded: {message}")


@service
def _record_failure(actor, source_id: int, kind: str, message: str) -> Outcome:
    # Only the source's own row is locked: its key result or metric is joined as the
    # nullable side of an outer join, which PostgreSQL cannot lock.
    source = Source.objects.select_for_update(of=("self",)).select_related(
        "key_result", "metric").get(pk=source_id)
    now = clock.now()
    source.failures += 1
    source.error, source.error_kind = message[:2000], kind[:12]
    source.failing_since = source.failing_since or now
    source.checked_at = now
    source.next_at = now + retry_delay(source.failures)
    source.save(update_fields=["failures", "error", "error_kind", "failing_since",
                               "checked_at", "next_at"])
    if source.failures == TELL_OWNER_AFTER:
        _tell_owner(source)
    return Outcome(source.target.key, "failed", error=message, metric=bool(source.metric_id))


def _tell_owner(source: Source) -> None:
    """Once per failing streak, when it has lasted (a passing timeout is no news): the
    key result's owner hears why, through their chosen channel."""
    from hoshin.notify.channels import Link, Notice, notify

    kr = source.target
    if kr.owner is None:
        return
    url = (f"/strategy/metrics/{kr.key}/#source" if source.metric_id
           else f"/key-results/{kr.key}/#source")
    notify(kr.owner, Notice(
        subject=f"The source of {kr.key} fails: {source.error}"[:200],
        intro=(f"{kr.title}: reading its {source.get_kind_display()} source failed "
               f"{source.failures} times in a row ({source.error}). It is retried with "
               "longer waits; nothing recorded changes. Check the source, or check in by "
               "hand meanwhile."),
        links=[Link(f"{kr.key} {kr.title}", url)], action_url=url,
        action_label="Open the metric" if source.metric_id else "Open the key result",
        kind="source-failing"),
        dedupe_key=f"source-failing:{source.pk}:{source.failing_since.isoformat()}")


def _mark_read(source: Source, value: float, now) -> None:
    """A good reading: the source keeps the value, its failing streak ends, and it is read
    again on its own schedule."""
    source.value, source.value_at, source.checked_at = value, now, now
    source.failures, source.error, source.error_kind, source.failing_since = 0, "", "", None
    source.next_at = now + dt.timedelta(minutes=source.every_minutes)
    source.save(update_fields=["value", "value_at", "checked_at", "failures", "error",
                               "error_kind", "failing_since", "next_at"])


@service
def _record_reading(actor, source_id: int, value: float) -> Outcome:
    # The source's row lock makes two syncs at once record one check-in, not two.
    source = Source.objects.select_for_update().get(pk=source_id)
    kr = KeyResult.objects.select_related("last_checkin", "objective__cycle").get(
        pk=source.key_result_id)
    now = clock.now()
    latest = kr.last_checkin
    unchanged = (latest is not None and latest.value == value
                 and latest.date > clock.today() - CONFIRM_AFTER)
    checkin = None
    if not unchanged:
        # Confidence and blockers are the owner's word: carried from their latest
        # check-in, so a reading neither drops nor invents them.
        checkin = okrs.record_checkin(
            None, kr, value=value,
            confidence=latest.confidence if latest is not None else None,
            blockers=latest.blockers if latest is not None else "",
            note=f"Automatic reading ({source.get_kind_display()})")
        Reading.objects.create(source=source, checkin=checkin, kind=source.kind,
                               location=source.location, value=value, as_of=now)
    _mark_read(source, value, now)
    return Outcome(kr.key, "unchanged" if unchanged else "recorded", value=value,
                   checkin_id=checkin.pk if checkin else None)


@service
def _record_metric_reading(actor, source_id: int, value: float) -> Outcome:
    """The reading sets the metric's actual of this month (today's month, as check-ins
    date themselves); a value equal to the month's actual changes nothing."""
    source = Source.objects.select_for_update(of=("self",)).select_related("metric").get(
        pk=source_id)
    now = clock.now()
    period = f"{clock.today():%Y-%m}"
    month = MetricActual.objects.filter(metric_id=source.metric_id,
                                        period=strategy.parse_period(period)).first()
    unchanged = month is not None and month.actual == value
    if not unchanged:
        month = strategy.record_metric_actual(None, source.metric, period=period, actual=value)
        Reading.objects.create(source=source, metric_actual=month, kind=source.kind,
                               location=source.location, value=value, as_of=now)
    _mark_read(source, value, now)
    return Outcome(source.metric.key, "unchanged" if unchanged else "recorded", value=value,
                   metric=True, period=period)


def live_sources():
    """Sources whose key result takes check-ins (not archived, in a running quarter), and
    those of metrics not archived."""
    from django.db.models import Q

    return (Source.objects.filter(
        Q(key_result__archived_at__isnull=True,
          key_result__objective__cycle__state=Cycle.State.ACTIVE)
        | Q(metric__isnull=False, metric__archived_at__isnull=True))
        .select_related("key_result", "metric"))


def due_sources(now: dt.datetime | None = None):
    """Live sources due a reading: their time (or their retry's) has come."""
    return live_sources().filter(next_at__lte=now or clock.now()).order_by("next_at", "pk")


# A claimed source is not due again for this long, unless its reading records sooner.
CLAIM = dt.timedelta(minutes=15)


def sync_due(now: dt.datetime | None = None) -> list[Outcome]:
    """Sync every due source (the periodic job); one failing source never stops the rest.
    Each source is claimed first (its next time moved on, if no one else moved it), so two
    runs at once (a slow minute overlapping the next) never read the same source twice."""
    outcomes = []
    for source in list(due_sources(now)):
        claimed = Source.objects.filter(pk=source.pk, next_at=source.next_at).update(
            next_at=clock.now() + CLAIM)
        if claimed:
            outcomes.append(sync_source(None, source))
    return outcomes
