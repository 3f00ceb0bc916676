"""Change history as people read it: "Target 100 → 120, by Lea Lead, because …".

Every page that lists changes (objective, key result, home, strategy items) turns
simple-history records into `HistoryRow`s here, so the wording is the same everywhere:

    rows = history_rows(KeyResult.history.filter(id=kr.pk))
    rows = history_rows(list(Objective.history.filter(id=o.pk))
                        + list(KeyResult.history.filter(id__in=kr_ids)), limit=50)

Records of several models may be mixed. Links (a correlation's strength, a resource's
role) read as one line each with `link_rows`:

    rows += link_rows(Resource.history.filter(priority_id=p.pk), ends=("person", "unit"),
                      value="role", words=LinkWords(added="Added {other} as {value_lower} …"))

 A change's predecessor does not have to be in
the list (the home page passes only the latest few records): missing ones are fetched,
one query per model. Related items and people are also fetched in bulk, so the number
of queries does not grow with the number of rows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import models
from django.urls import NoReverseMatch
from django.utils import formats, timezone

# Bookkeeping, not a change anyone made.
IGNORED_FIELDS = frozenset({"updated_at", "created_at", "last_checkin"})
MAX_VALUE_CHARS = 60
EMPTY = "—"


@dataclass(frozen=True)
class FieldChange:
    field: str  # the model field's name, for code and tests
    label: str  # its verbose name, capitalised: what people read
    old: str
    new: str

    def __str__(self) -> str:
        return f"{self.label}: {self.old} → {self.new}"


@dataclass
class HistoryRow:
    when: dt.datetime
    who: str
    action: str  # created, changed, archived, restored, deleted
    kind: str  # the item's kind in words: "key result", "objective"
    key: str
    title: str
    model: type[models.Model]
    object_id: int
    changes: list[FieldChange] = field(default_factory=list)
    reason: str = ""
    text: str = ""  # the whole line, when the row was written as one (links)
    who_url: str = ""  # the person's page, for {% person row.who url=row.who_url %}
    url: str = ""  # the changed item's page, when it has one and still exists

    @property
    def subject(self) -> str:
        return f"{self.key} {self.title}".strip()

    @property
    def sentence(self) -> str:
        """One line for a list of one item's changes: "Title: A → B; Owner: — → Lea Lead",
        "Archived", "Created breakthrough"."""
        if self.text:
            return self.text
        parts = [self.action.capitalize()] if self.action in ("archived", "restored") else []
        parts += map(str, self.changes)
        return "; ".join(parts) or f"{self.action.capitalize()} {self.kind}"

    @property
    def summary(self) -> str:
        """One line: "changed Target: 100 → 120; Owner: Lea Lead → Otto Ops"."""
        if self.changes:
            return f"{self.action} " + "; ".join(map(str, self.changes))
        return self.action


def history_rows(records: Iterable, *, limit: int | None = None,
                 ignore: Iterable[str] = ()) -> list[HistoryRow]:
    """Plain rows, newest first, for historical records of one or more models. Saves
    that changed nothing but ignored fields are left out."""
    records = list(records)
    ignored = IGNORED_FIELDS | set(ignore)
    previous = _previous_records(records)
    diffs: list[tuple] = []
    wanted: dict[type[models.Model], set] = defaultdict(set)
    for record in sorted(records, key=_order, reverse=True):
        before = previous.get((type(record), record.history_id))
        changes = []
        if record.history_type == "~" and before is not None:
            delta = record.diff_against(before, excluded_fields=ignored & _field_names(record))
            for c in delta.changes:
                f = record.instance_type._meta.get_field(c.field)
                changes.append((f, c.old, c.new))
                if f.many_to_many:
                    for value in (c.old or []) + (c.new or []):
                        wanted[f.related_model].add(value.get(f.m2m_reverse_field_name()))
                elif f.is_relation:
                    wanted[f.related_model].update(v for v in (c.old, c.new) if v is not None)
            if not changes:
                continue
        diffs.append((record, changes))
        if limit is not None and len(diffs) >= limit:
            break
    names = _related_names(wanted)
    people = _people({r.history_user_id for r, _ in diffs if r.history_user_id})
    urls = _people_urls(people)
    rows = []
    for record, changes in diffs:
        action = {"+": "created", "-": "deleted"}.get(record.history_type, "changed")
        shown = []
        for f, old, new in changes:
            if f.name == "archived_at":
                action = "archived" if new else "restored"
                continue
            shown.append(FieldChange(f.name, _label(f), _value(f, old, names),
                                     _value(f, new, names)))
        model = record.instance_type
        rows.append(HistoryRow(
            when=record.history_date, who=people.get(record.history_user_id, "System"),
            action=action, kind=str(model._meta.verbose_name), key=getattr(record, "key", ""),
            title=getattr(record, "title", None) or getattr(record, "name", "") or "",
            model=model, object_id=record.id, changes=shown,
            reason=record.history_change_reason or "",
            who_url=urls.get(record.history_user_id, ""),
            url="" if action == "deleted" else _url_of(record)))
    return rows


@dataclass(frozen=True)
class LinkWords:
    """How a link's changes read. {other} is the linked item or person, {value} and
    {value_lower} its strength or role, {old} and {new} the value before and after."""

    added: str = "Linked to {other} ({value})"
    removed: str = "Removed the link to {other}"
    changed: str = "Link to {other}: {old} → {new}"


def link_rows(records: Iterable, *, ends: Sequence[str], value: str,
              words: LinkWords = LinkWords()) -> list[HistoryRow]:
    """Plain rows, newest first, for the history of a link model: the item at the other
    end (the first of `ends` that is set) and the link's `value` field. Saves that left
    the value as it was are left out."""
    records = sorted(records, key=_order)
    if not records:
        return []
    model = records[0].instance_type
    end_fields = [model._meta.get_field(name) for name in ends]
    value_field = model._meta.get_field(value)
    wanted: dict[type[models.Model], set] = defaultdict(set)
    for record in records:
        for f in end_fields:
            wanted[f.related_model].add(getattr(record, f.attname))
    names = _related_names(wanted)
    people = _people({r.history_user_id for r in records if r.history_user_id})
    urls = _people_urls(people)
    last: dict[int, object] = {}
    rows = []
    for record in records:
        before, last[record.id] = last.get(record.id), record
        other = next((names.get((f.related_model, getattr(record, f.attname)), "?")
                      for f in end_fields if getattr(record, f.attname) is not None), "?")
        new = _value(value_field, getattr(record, value), names)
        old = _value(value_field, getattr(before, value, None), names)
        if record.history_type == "+":
            action, template, changes = "linked", words.added, []
        elif record.history_type == "-":
            action, template, changes = "unlinked", words.removed, []
        elif old == new:
            continue
        else:
            action, template = "changed", words.changed
            changes = [FieldChange(value, _label(value_field), old, new)]
        rows.append(HistoryRow(
            when=record.history_date, who=people.get(record.history_user_id, "System"),
            action=action, kind=str(model._meta.verbose_name), key="", title=other,
            model=model, object_id=record.id, changes=changes,
            reason=record.history_change_reason or "", who_url=urls.get(record.history_user_id, ""),
            text=template.format(other=other, value=new, value_lower=new.lower(), old=old,
                                 new=new)))
    rows.reverse()
    return rows


def _order(record) -> tuple:
    return (record.history_date, record.history_id)


def _field_names(record) -> set[str]:
    return {f.name for f in record.tracked_fields}


def _previous_records(records: list) -> dict:
    """(history class, history_id) → the record just before it, for every change. A
    caller passes whole histories or the latest records; only items whose oldest record
    given is a change need a look further back."""
    by_model: dict[type, list] = defaultdict(list)
    for r in records:
        by_model[type(r)].append(r)
    found = {}
    for history_model, mine in by_model.items():
        chains: dict[int, dict] = defaultdict(dict)
        for r in mine:
            chains[r.id][r.history_id] = r
        oldest = {pk: min(chain.values(), key=_order) for pk, chain in chains.items()}
        cut_short = {pk: r for pk, r in oldest.items() if r.history_type == "~"}
        if cut_short:
            for r in history_model.objects.filter(
                    id__in=cut_short,
                    history_date__lte=max(r.history_date for r in cut_short.values())):
                chains[r.id].setdefault(r.history_id, r)
        for chain in chains.values():
            ordered = sorted(chain.values(), key=_order)
            for before, after in zip(ordered, ordered[1:], strict=False):
                found[(history_model, after.history_id)] = before
    return found


def _related_names(wanted: dict) -> dict:
    names: dict[tuple, str] = {}
    for model, ids in wanted.items():
        ids.discard(None)
        # Archived and deleted-from-view items still name themselves: use the base manager.
        for pk, obj in model._base_manager.in_bulk(ids).items():
            names[(model, pk)] = _name_of(obj)
    return names


def _name_of(obj) -> str:
    """Plan elements by key and title ("KR1 Grow sales"), people and units by name."""
    if getattr(obj, "title", None):
        return f"{getattr(obj, 'key', '')} {obj.title}".strip()
    return str(getattr(obj, "name", None) or obj)


def _people(ids: set) -> dict:
    """Who made each change, by user id: their full name, else their login (email). Read
    through the user model Django is configured with, so core names no app's model."""
    if not ids:
        return {}
    user_model = get_user_model()
    return {u.pk: u.get_full_name() or u.get_username()
            for u in user_model._base_manager.filter(pk__in=ids)}


def _url_of(record) -> str:
    """The page of the item a historical record is about; "" when its model has none.
    Pages are addressed by key or id, so an unsaved instance with those two does (the
    record's own .instance reads excluded fields back from the database: a query a row)."""
    model = record.instance_type
    if not hasattr(model, "get_absolute_url"):
        return ""
    fields = {"pk": record.id}
    if hasattr(record, "key"):
        fields["key"] = record.key
    try:
        return model(**fields).get_absolute_url()
    except NoReverseMatch:
        return ""


def _people_urls(people: dict) -> dict:
    """Each person's page, when the user model has one (get_absolute_url takes the pk
    alone, so no query)."""
    user_model = get_user_model()
    if not hasattr(user_model, "get_absolute_url"):
        return {}
    return {pk: user_model(pk=pk).get_absolute_url() for pk in people}


def _label(f) -> str:
    name = str(f.verbose_name)
    return name[:1].upper() + name[1:]


def _value(f, value, names: dict) -> str:
    if f.many_to_many:
        items = [names.get((f.related_model, v.get(f.m2m_reverse_field_name())), "?")
                 for v in value or []]
        return ", ".join(sorted(items)) or EMPTY
    if value is None or value == "":
        return EMPTY
    if f.is_relation:
        return names.get((f.related_model, value), f"#{value} (removed)")
    if f.choices:
        return _short(str(dict(f.flatchoices).get(value, value)))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, dt.datetime):
        return formats.date_format(timezone.localtime(value), "j M Y H:i")
    if isinstance(value, dt.date):
        return formats.date_format(value, "j M Y")
    return _short(str(value))


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_VALUE_CHARS else text[:MAX_VALUE_CHARS - 1] + "…"
