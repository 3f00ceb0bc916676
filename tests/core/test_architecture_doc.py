"""docs/architecture.md names the events, gates and guards as the code registers them: a
newcomer reads there who reacts to what, so a stale name there misleads."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from hoshin.core import events, gates

DOC = (Path(__file__).resolve().parents[2] / "docs" / "architecture.md").read_text()


def _section(title: str) -> str:
    start = DOC.index(f"## {title}")
    end = DOC.find("\n## ", start + 1)
    return DOC[start:end if end > 0 else None]


def _event_types() -> list[type]:
    return [obj for obj in vars(events).values()
            if isinstance(obj, type) and dataclasses.is_dataclass(obj)
            and obj.__module__ == events.__name__]


def test_every_event_type_has_its_row_and_every_subscriber_named_is_subscribed():
    table = _section("Events")
    rows = {m.group(1): m.group(0) for m in re.finditer(r"^\| `(\w+)\(.*$", table, re.M)}
    assert sorted(rows) == sorted(t.__name__ for t in _event_types())
    for event_type in _event_types():
        subscribed = {name.removesuffix(" (after commit)")
                      for name in events.subscribers(event_type)}
        subscribers_cell = rows[event_type.__name__].split("|")[3]
        named = re.findall(r"`([a-z_]+(?:\.[A-Za-z_]+)+)`", subscribers_cell)
        for name in named:
            assert f"hoshin.{name}" in subscribed, (event_type.__name__, name)
        if not named:
            assert not subscribed, (event_type.__name__, subscribed)


def test_every_registered_gate_and_guard_is_named_with_the_function_it_runs():
    section = _section("Gates and guards")
    for name in gates.registered_gates():
        assert f"`{name}`" in section
        check = gates._gates[name].check
        assert f"`{check.__module__.removeprefix('hoshin.')}.{check.__qualname__}`" in section
    for name, guard in gates._guards.items():
        assert f"`{name}`" in section
        dotted = f"{guard.__module__.removeprefix('hoshin.')}.{guard.__qualname__}"
        assert f"`{dotted}`" in section, dotted


def test_the_layer_box_places_every_app_the_import_contract_places():
    contract = (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text()
    layers = re.search(r'layers = \[(.*?)\n\]', contract, re.S).group(1)
    placed = set(re.findall(r"\b([a-z]+)\b", " ".join(
        line.split("#")[0] for line in layers.splitlines())))
    box = _section("Layers").split("```")[1]
    for app in sorted(placed - {"urls", "api", "cli", "settings", "wsgi", "asgi"}):
        assert re.search(rf"^\s*{app}/", box, re.M), app


def test_every_registered_job_is_named():
    from hoshin.notify import scheduler

    section = _section("Periodic jobs")
    scheduler.discover()
    assert scheduler.JOBS
    for name in scheduler.JOBS:
        assert f"`{name}`" in section, name
