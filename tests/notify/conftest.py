"""Fixtures of the notification tests."""

import pytest

from hoshin.notify import scheduler


@pytest.fixture
def only_jobs(monkeypatch):
    """Keep only the named periodic jobs registered, so a test of the reminders is not
    also a test of every other daily job (flags, countermeasures), which have their own."""

    def keep(*names):
        monkeypatch.setattr(scheduler, "JOBS", {n: j for n, j in scheduler.JOBS.items()
                                                if n in names})

    return keep
