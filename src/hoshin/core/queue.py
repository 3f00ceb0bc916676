"""Priorities on the task queue (django-tasks; the worker takes the ready task of highest
priority first, then the oldest).

A job somebody is watching a page for (a Markdown preview or import, a board pack) goes
before background work, so it does not wait behind the flag judgements that every
check-in queues: with 16 clients checking in, a 1 MB page's import, 2.6 s of its own work,
finished 398 s after it was asked for, behind about 18,000 of them (bench/contention.py,
bench/README.md)."""

WAITED_ON = 50
BACKGROUND = 0
