"""The demo company's quarter trends, counted once so the page has them from the start
(the nightly job keeps them current afterwards)."""

import datetime as dt


def load_demo(today: dt.date) -> None:
    from hoshin.analytics.services import refresh_trends

    refresh_trends(None)
