"""Metric pages: the list of a fiscal year's metrics and each metric's bowling chart."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe

from hoshin.core import clock, exports
from hoshin.core.errors import DomainError
from hoshin.org import permissions
from hoshin.org.decorators import domain_errors_as_http, forbid_viewers
from hoshin.org.models import Organization
from hoshin.strategy import bowling, services
from hoshin.strategy.models import ImprovementPriority, Metric, MetricActual
from hoshin.strategy.views.years import selected_year


def _values(metric_ids, months) -> dict[int, dict]:
    """{metric id: {month: (plan, actual)}} for the given months, in one query."""
    out: dict[int, dict] = {}
    for metric_id, period, plan, actual in (
            MetricActual.objects.filter(metric_id__in=metric_ids, period__gte=months[0],
                                        period__lte=months[-1])
            .values_list("metric_id", "period", "plan", "actual")):
        out.setdefault(metric_id, {})[period] = (plan, actual)
    return out


def _can_record(user, metric: Metric) -> bool:
    return permissions.can_edit_strategy(user) or metric.owner_id == user.pk


# The year's metrics as a file (?export=csv|xlsx): each with its latest month, as listed.
EXPORT_COLUMNS = [
    exports.Column("Id", "metric.key"),
    exports.Column("Metric", "metric.title"),
    exports.Column("Measure", "metric.unit"),
    exports.Column("Direction", lambda r: r["metric"].get_direction_display()),
    exports.Column("Baseline", "metric.baseline", exports.NUMBER),
    exports.Column("Target", "metric.target", exports.NUMBER),
    exports.Column("Latest month", "latest.period"),
    exports.Column("Latest actual", "latest.actual", exports.NUMBER),
    exports.Column("Plan of that month", "latest.plan", exports.NUMBER),
    exports.Column("Against plan", lambda r: bowling.STATE_LABELS.get(r["latest"].state)
                   if r["latest"] else None),
    exports.Column("Owner", "metric.owner.name"),
    exports.Column("Priorities", lambda r: ", ".join(p.key for p in r["priorities"])),
]


@login_required
def metrics_list(request):
    org = Organization.current()
    year = selected_year(request, org)
    months = bowling.fiscal_months(year, org.fiscal_year_start)
    metrics = list(
        Metric.objects.filter(archived_at__isnull=True).select_related("owner")
        .prefetch_related(Prefetch("priorities", to_attr="year_priorities",
                                   queryset=ImprovementPriority.objects.filter(
                                       year=year, archived_at__isnull=True))))
    values = _values([m.pk for m in metrics], months)
    rows = []
    for m in metrics:
        cells = bowling.bowling(values.get(m.pk, {}), year, org.fiscal_year_start, m.direction)
        rows.append({"metric": m, "latest": bowling.latest(cells),
                     "baseline": bowling.fmt(m.baseline), "target": bowling.fmt(m.target),
                     "priorities": m.year_priorities})
    if response := exports.respond(request, f"metrics-{year}", EXPORT_COLUMNS, rows,
                                   what=f"Metrics of {year}"):
        return response
    years = sorted({year - 1, year, year + 1}, reverse=True)
    return render(request, "strategy/metrics.html", {
        "nav": "metrics", "year": year, "years": years, "rows": rows,
        "state_labels": bowling.STATE_LABELS})


class ActualForm(forms.Form):
    period = forms.ChoiceField(label="Month")
    plan = forms.FloatField(label="Plan", required=False)
    actual = forms.FloatField(label="Actual", required=False)

    def __init__(self, *args, months=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(m.strftime("%Y-%m"), m.strftime("%B %Y"))
                                         for m in months]

    def clean(self):
        data = super().clean()
        if data.get("plan") is None and data.get("actual") is None and not self.errors:
            self.add_error("actual", "Enter an actual, a plan, or both.")
        return data


@login_required
@forbid_viewers
@domain_errors_as_http
def metric_detail(request, key: str):
    org = Organization.current()
    metric = get_object_or_404(Metric.objects.select_related("owner"), key=key)
    year = selected_year(request, org)
    months = bowling.fiscal_months(year, org.fiscal_year_start)
    can_record = _can_record(request.user, metric)

    # Most often one records the month that just ended, or this one.
    this_month = clock.today().replace(day=1)
    form = ActualForm(months=months, initial={"period": this_month.strftime("%Y-%m")}
                      if this_month in months else None)
    if request.method == "POST":
        form = ActualForm(request.POST, months=months)
        if form.is_valid():
            try:
                services.record_metric_actual(
                    request.user, metric, period=form.cleaned_data["period"],
                    plan=form.cleaned_data["plan"], actual=form.cleaned_data["actual"])
            except DomainError as exc:
                if exc.status_code in (403, 404):
                    raise
                for error in exc.errors:
                    field = error.field if error.field in form.fields else None
                    form.add_error(field, error.message)
            else:
                messages.success(request, f"Recorded {metric.key} for "
                                          f"{form.cleaned_data['period']}.")
                return redirect(f"{request.path}?year={year}")
        elif not can_record:
            # A hand-made post with bad data still must not look like it might succeed.
            permissions.require(False, "record this metric's actuals")

    cells = bowling.bowling(_values([metric.pk], months).get(metric.pk, {}), year,
                            org.fiscal_year_start, metric.direction)
    svg = bowling.line_chart_svg(cells, baseline=metric.baseline, target=metric.target,
                                 unit=metric.unit, title=f"{metric.key} {metric.title}: "
                                                         f"plan and actual {year}")
    priorities = list(metric.priorities.filter(archived_at__isnull=True)
                      .values_list("key", "title"))
    return render(request, "strategy/metric.html", {
        "nav": "metrics", "metric": metric, "year": year,
        "baseline": bowling.fmt(metric.baseline), "target": bowling.fmt(metric.target),
        "years": sorted({year - 1, year, year + 1}, reverse=True),
        "cells": cells, "svg": mark_safe(svg), "form": form, "can_record": can_record,
        "priorities": priorities, "amber_pct": f"{bowling.AMBER_TOLERANCE * 100:g}",
        "state_labels": bowling.STATE_LABELS, "latest": bowling.latest(cells)})
