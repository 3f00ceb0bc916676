"""The analytics page's tables as CSV or Excel files (hoshin.core.exports): each table of
the page, named by ?table=, with the scope the page shows (unit, quarter, person)."""

from __future__ import annotations

from hoshin.analytics import report
from hoshin.core import exports

REGULARITY = [
    exports.Column("Checked in", "label"),
    exports.Column("Key results (n)", "n", exports.NUMBER),
    exports.Column("Reached", "reached", exports.NUMBER),
    exports.Column("Share reached %", lambda b: 100 * b.reached / b.n if b.n else None,
                   exports.NUMBER),
    exports.Column("90% interval low %", lambda b: 100 * b.interval[0] if b.interval else None,
                   exports.NUMBER),
    exports.Column("90% interval high %", lambda b: 100 * b.interval[1] if b.interval else None,
                   exports.NUMBER),
    exports.Column("Mean grade", "mean_grade", exports.NUMBER),
]
CALIBRATION = [
    exports.Column("Confidence", "confidence", exports.NUMBER),
    exports.Column("Check-ins (n)", "n", exports.NUMBER),
    exports.Column("Reached", "hits", exports.NUMBER),
    exports.Column("Share reached %", lambda b: 100 * b.hits / b.n if b.n else None,
                   exports.NUMBER),
]
FORECASTS = [
    exports.Column("Key result id", "key_result"),
    exports.Column("Key result", "title"),
    exports.Column("Unit", "unit_name"),
    exports.Column("Quarter", "cycle"),
    exports.Column("Forecast grade", "grade", exports.NUMBER),
    exports.Column("80% interval low", "low", exports.NUMBER),
    exports.Column("80% interval high", "high", exports.NUMBER),
    exports.Column("Own trend", "trend_grade", exports.NUMBER),
    exports.Column("Check-ins (n)", "checkins", exports.NUMBER),
    exports.Column("Similar (n)", "similar", exports.NUMBER),
    exports.Column("Their mean grade", "similar_grade", exports.NUMBER),
    exports.Column("As of", "as_of", exports.DATE),
]
TRENDS = [
    exports.Column("Quarter", "cycle"),
    exports.Column("Objectives", "objectives", exports.NUMBER),
    exports.Column("Key results", "key_results", exports.NUMBER),
    exports.Column("Orphan objectives", "orphan_objectives", exports.NUMBER),
    exports.Column("Output key results", "output_key_results", exports.NUMBER),
    exports.Column("Reviews held", "reviews_held", exports.NUMBER),
    exports.Column("Reviews that decided something", "reviews_with_decisions", exports.NUMBER),
    exports.Column("Trade-offs", "trade_offs", exports.NUMBER),
]


def respond(request, scope, bands, cal, trend):
    """The file of the table asked for (?export=…&table=…), else None."""
    tables = (("regularity", REGULARITY, lambda: bands, "check-in regularity"),
              ("calibration", CALIBRATION, lambda: cal.bins, "confidence calibration"),
              # Every forecast in scope, where the page shows the first rows.
              ("forecasts", FORECASTS, lambda: report.forecast_dicts(scope),
               "key-result forecasts"),
              ("trends", TRENDS, lambda: trend["quarters"], "trends across quarters"))
    for table, columns, rows, what in tables:
        if response := exports.respond(request, f"analytics-{table}", columns, rows,
                                       what=f"Analytics: {what}", table=table):
            return response
    return None
