"""A file that is not a whole Hoshin backup, or does not fit this database, is refused with
a message that says why, and nothing is written."""

from __future__ import annotations

import gzip
import json

import pytest

from hoshin.backup.services import BackupError, restore
from tests.backup.conftest import table_counts

pytestmark = pytest.mark.django_db


def lines_of(path) -> list:
    with gzip.open(path, "rt", encoding="utf-8") as file:
        return [json.loads(line) for line in file]


def write(path, lines: list) -> None:
    with gzip.open(path, "wt", encoding="utf-8") as file:
        for line in lines:
            file.write(json.dumps(line) + "\n")


def refused(path, match: str) -> None:
    nothing = table_counts()
    assert not any(nothing.values())
    with pytest.raises(BackupError, match=match):
        restore(path)
    assert table_counts() == nothing


def test_a_file_that_is_not_a_backup(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("hoshin: 1\n")
    refused(text, r"notes.txt is not a Hoshin backup .*Not a gzipped file")

    plan = tmp_path / "plan.json.gz"
    write(plan, [{"hoshin": 1, "organization": {"name": "Acme"}}])
    refused(plan, r"plan.json.gz is not a Hoshin backup")

    refused(tmp_path / "missing.json.gz", r'"\S*missing.json.gz" does not exist')


def test_a_backup_from_a_newer_hoshin(demo_backup, tmp_path):
    lines = lines_of(demo_backup.path)
    lines[0] |= {"version": 2, "hoshin": "9.0.0"}
    write(tmp_path / "newer.json.gz", lines)
    refused(tmp_path / "newer.json.gz",
            r"format 2, written by a newer Hoshin \(9.0.0\); this one reads format 1")


def test_a_backup_at_other_migrations(demo_backup, tmp_path):
    lines = lines_of(demo_backup.path)
    lines[0]["migrations"]["okrs"].append("0999_from_the_future")
    write(tmp_path / "ahead.json.gz", lines)
    refused(tmp_path / "ahead.json.gz", r"migrations this database does not have "
                                        r"\(okrs.0999_from_the_future\)")

    lines[0]["migrations"]["okrs"] = lines[0]["migrations"]["okrs"][:1]
    write(tmp_path / "behind.json.gz", lines)
    refused(tmp_path / "behind.json.gz", r"this database is migrated beyond the backup")


def test_a_file_cut_short_restores_nothing(demo_backup, tmp_path):
    lines = lines_of(demo_backup.path)
    write(tmp_path / "cut.json.gz", lines[:-40])
    refused(tmp_path / "cut.json.gz", r"cut short")

    raw = demo_backup.path.read_bytes()
    (tmp_path / "truncated.json.gz").write_bytes(raw[:len(raw) * 2 // 3])
    refused(tmp_path / "truncated.json.gz", r"truncated.json.gz is damaged at line \d+")


def test_a_row_that_breaks_a_link_restores_nothing(demo_backup, tmp_path):
    lines = lines_of(demo_backup.path)
    heading = next(i for i, line in enumerate(lines)
                   if isinstance(line, dict) and line.get("table") == "reviews.review")
    cycle = lines[heading]["columns"].index("cycle_id")
    lines[heading + 1][cycle] = 999_999
    write(tmp_path / "dangling.json.gz", lines)
    refused(tmp_path / "dangling.json.gz", r"the database refused the restore, so nothing "
                                           r"was restored")


def test_a_value_that_is_not_of_its_column(demo_backup, tmp_path):
    lines = lines_of(demo_backup.path)
    heading = next(i for i, line in enumerate(lines)
                   if isinstance(line, dict) and line.get("table") == "okrs.checkin")
    date = lines[heading]["columns"].index("date")
    lines[heading + 1][date] = "the ides of March"
    write(tmp_path / "bad-date.json.gz", lines)
    refused(tmp_path / "bad-date.json.gz", r"damaged at line \d+ \(okrs.checkin\)")
