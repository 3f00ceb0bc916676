"""Periodic jobs are discovered from each app's jobs.py, not imported by the scheduler."""

import pathlib
import sys

from hoshin.notify import scheduler

SRC = pathlib.Path(__file__).resolve().parents[2] / "src" / "hoshin"


def test_every_apps_jobs_are_registered_by_the_app_that_owns_them():
    owners = {name: job.run.__module__ for name, job in scheduler.JOBS.items()}
    assert owners["evaluate-flags"] == "hoshin.flags.jobs"
    assert owners["open-countermeasures"] == "hoshin.pdca.jobs"
    assert owners["deliver-outbox"] == "hoshin.notify.jobs"
    assert owners["checkin-reminders"] == "hoshin.notify.reminders"


def test_the_scheduler_names_no_other_app():
    for path in ("scheduler.py", "jobs.py", "tasks.py", "apps.py",
                 "management/commands/scheduler.py"):
        text = (SRC / "notify" / path).read_text()
        for app in ("flags", "pdca", "catchball", "closing", "planning", "reviews"):
            assert f"hoshin.{app}" not in text, (path, app)


def test_discover_imports_each_installed_apps_jobs_module(monkeypatch):
    # As if the app's jobs.py had never been imported: discovery finds it again.
    monkeypatch.setattr(scheduler, "JOBS", {})
    monkeypatch.delitem(sys.modules, "hoshin.flags.jobs")
    monkeypatch.delitem(sys.modules, "hoshin.pdca.jobs")
    names = scheduler.discover()
    assert {"evaluate-flags", "open-countermeasures"} <= set(names)
