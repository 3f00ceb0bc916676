"""History rows as people read them: labels, titles and choice labels, who and why."""

import pytest

from hoshin.core.history_view import history_rows
from hoshin.okrs import services
from hoshin.okrs.models import KeyResult, Objective

pytestmark = pytest.mark.django_db


def test_a_key_results_changes_read_as_labels_and_values(plan):
    kr = plan.kr_sales
    services.save_key_result(plan.lead, kr, target=40, reason="Board raised the bar")
    services.save_key_result(plan.lead, kr, owner=plan.lead.email, title="Installer share")
    services.save_key_result(plan.office, kr, kind="stay_above", target=40)
    services.archive_key_result(plan.office, kr)

    rows = history_rows(KeyResult.history.filter(id=kr.pk))

    archived, kind, owner, target, created = rows
    assert created.action == "created" and created.who == "System"
    assert created.kind == "key result" and created.key == kr.key
    assert [str(c) for c in target.changes] == ["Target: 35 → 40"]
    assert target.who == plan.lead.name and target.reason == "Board raised the bar"
    assert sorted(map(str, owner.changes)) == [
        f"Owner: {plan.member.name} → {plan.lead.name}",
        "Title: Installer-sold units from 20% to 35% → Installer share"]
    assert [str(c) for c in kind.changes] == ["Kind: Increase → Stay above"]
    assert archived.action == "archived" and archived.summary == "archived"
    assert [r.when for r in rows] == sorted((r.when for r in rows), reverse=True)


def test_only_the_latest_records_are_enough(plan, django_assert_max_num_queries):
    kr = plan.kr_sales
    for target in (40, 50, 60):
        services.save_key_result(plan.lead, kr, target=target, reason=f"to {target}")
    latest = list(KeyResult.history.filter(id=kr.pk).order_by("-history_date", "-history_id")[:2])
    # The predecessor of the oldest record given is looked up; people in one query.
    with django_assert_max_num_queries(3):
        rows = history_rows(latest)
    assert [str(r.changes[0]) for r in rows] == ["Target: 50 → 60", "Target: 40 → 50"]


def test_parents_show_their_titles_and_mixed_models_sort_together(plan):
    objective = plan.objective
    services.save_objective(plan.lead, objective, parent="A1")
    rows = history_rows(list(Objective.history.filter(id=objective.pk))
                        + list(KeyResult.history.filter(objective_id=objective.pk)), limit=3)
    assert len(rows) == 3
    change = rows[0]
    assert change.kind == "objective"
    shown = {c.label: (c.old, c.new) for c in change.changes}
    assert shown["Parent annual"] == ("—", "A1 Double installations")
    assert shown["Parent priority"] == ("P1 Sell through installers", "—")


def test_saves_that_change_nothing_are_left_out(plan):
    services.save_key_result(plan.lead, plan.kr_sales, title=plan.kr_sales.title)
    rows = history_rows(KeyResult.history.filter(id=plan.kr_sales.pk))
    assert [r.action for r in rows] == ["created"]


def test_many_to_many_changes_name_the_items(plan):
    from hoshin.okrs.models import Theme

    theme = Theme.objects.get(key="T1")
    services.save_theme(plan.office, theme, annual_objectives=[])
    rows = history_rows(Theme.history.filter(id=theme.pk))
    changed = [r for r in rows if r.changes]
    assert changed, [r.summary for r in rows]
    assert str(changed[0].changes[0]) == "Annual objectives: A1 Double installations → —"
