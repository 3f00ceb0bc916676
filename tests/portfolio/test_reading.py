"""How the ranking reads a large portfolio: the annual objectives each objective serves as
okrs's chains name them, and the unscored counted without being read."""

import pytest

from hoshin.okrs import services as okrs
from hoshin.okrs.models import Objective
from hoshin.okrs.selectors import chains
from hoshin.portfolio import selectors

pytestmark = pytest.mark.django_db


def test_the_annual_objectives_are_those_the_chains_name(initiatives):
    # A child objective two levels under O1 (priority P1 -> A1), and one under a theme.
    okrs.save_objective(None, key="O3", cycle=initiatives.quarter.key, unit="sales",
                        title="Child", parent="O1")
    okrs.save_objective(None, key="O4", cycle=initiatives.quarter.key, unit="sales",
                        title="Grandchild", parent="O3")
    objectives = list(Objective.objects.all())
    expected = {pk: sorted({item["key"] for level in levels for item in level
                            if item["kind"] == "Annual objective"})
                for pk, levels in chains(objectives).items()}
    assert selectors.annual_objectives_of(objectives) == expected
    assert expected[Objective.objects.get(key="O4").pk] == ["A1"]


def test_the_unscored_are_counted_and_read_only_when_asked(initiatives):
    found = selectors.portfolio()
    assert found.rows == []
    assert found.unscored_count == 3
    assert found.unscored_keys == ["I1", "I2", "I3"]
    assert [i.key for i in found.unscored_first] == ["I1", "I2", "I3"]
    assert [i.key for i in found.unscored] == ["I1", "I2", "I3"]
    assert selectors.portfolio(annual_objective="A1").unscored_count == 3
    assert selectors.portfolio(annual_objective="A9").unscored_count == 0


def test_the_ranking_reads_initiatives_whole_only_when_asked(initiatives, django_assert_num_queries):
    """The ranking and the API's rows come from plain values; the page reads whole only the
    rows it lists, and a row asked for its initiative reads every row's in one query."""
    from hoshin.portfolio import services
    from tests.portfolio.conftest import row

    services.record_scoring_session(None, scores=[row("I1", 8, 5, 3, 2), row("I2", 3, 2, 1, 1),
                                                  row("I3", 1, 1, 1, 5)])
    found = selectors.portfolio()
    assert [r.key for r in found.rows] == ["I1", "I2", "I3"]
    assert all(r.whole is None for r in found.rows)
    with django_assert_num_queries(0):
        first = found.rows[0].as_dict()
    assert (first["id"], first["unit"], first["key_result"], first["status"]) == (
        "I1", "sales", "KR1", "in_progress")
    found.read_whole(found.rows[:1])
    assert [r.whole is not None for r in found.rows] == [True, False, False]
    with django_assert_num_queries(1):
        owners = [r.initiative.owner for r in found.rows]
    with django_assert_num_queries(0):
        assert [r.initiative.key_result.objective.unit.key for r in found.rows] == [
            "sales", "sales", "ops"]
    assert owners[0].email == initiatives.member.email
