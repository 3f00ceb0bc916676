"""Both bulk imports end the same way (hoshin.planfile.bulk_write): when the database
refuses a row at the last moment (an id someone else drew meanwhile), the import is
refused as a whole with a message saying to try again, and nothing is stored.

The refusal is the database's own: the objectives' INSERT is sent twice, so the second
breaks the table's primary key on SQLite and PostgreSQL alike."""

from __future__ import annotations

import pytest
from django.db import connection

from hoshin.okrs.models import Objective
from hoshin.planfile import spreadsheet as sheet
from hoshin.planfile.markdown_import import MarkdownImportError, import_markdown
from hoshin.planfile.spreadsheet_import import SpreadsheetImportError, import_goals


class ObjectivesInsertedTwice:
    def __init__(self):
        self.sent = 0

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if sql.startswith(f'INSERT INTO "{Objective._meta.db_table}"'):
            self.sent += 1
            execute(sql, params, many, context)
        return result


def test_a_markdown_page_refused_by_the_database_stores_nothing(plan, row_counts):
    before = row_counts()
    twice = ObjectivesInsertedTwice()
    with connection.execute_wrapper(twice), pytest.raises(MarkdownImportError) as caught:
        import_markdown(plan.office, "1. **Sales: Win the north**\n"
                                     "   1. New customers from 4 to 9 - @member\n",
                        cycle=plan.quarter.key)
    assert twice.sent == 1
    [error] = caught.value.report.errors
    assert error["field"] == "page"
    assert error["message"].startswith("the database refused the import (")
    assert error["message"].endswith("nothing was imported: import the page again")
    assert row_counts() == before
    # Once the conflict is gone the same page imports.
    report = import_markdown(plan.office, "1. **Sales: Win the north**\n"
                                          "   1. New customers from 4 to 9 - @member\n",
                             cycle=plan.quarter.key)
    assert report.counts["objectives"] == 1


def test_a_goal_list_refused_by_the_database_stores_nothing(plan, row_counts):
    table = sheet.read_table(
        b"Row ID,Parent,Type,Title,Owner,Team,Start,Target\n"
        b"O1,,objective,Win the north,lead@acme.test,sales,,\n"
        b"K1,O1,key result,New customers,member@acme.test,sales,4,9\n", "goals.csv")
    before = row_counts()
    twice = ObjectivesInsertedTwice()
    with connection.execute_wrapper(twice), pytest.raises(SpreadsheetImportError) as caught:
        import_goals(plan.office, table, sheet.guess_mapping(table.headers),
                     cycle=plan.quarter.key)
    assert twice.sent == 1
    [problem] = caught.value.report.problems
    assert "the database refused the import (" in problem.text()
    assert problem.text().endswith("nothing was imported: import it again")
    assert row_counts() == before
    report = import_goals(plan.office, table, sheet.guess_mapping(table.headers),
                          cycle=plan.quarter.key)
    assert report.counts["objectives"] == 1
    assert report.counts["key_results"] == 1
