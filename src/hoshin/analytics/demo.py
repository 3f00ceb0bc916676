"""The demo company's analytics counted once so the pages have them from the start (the
nightly jobs keep them current afterwards): the quarter trends, the graded key results'
figures, the history of similar key results and the running key results' forecasts."""

import datetime as dt


def load_demo(today: dt.date) -> None:
    from hoshin.analytics.services import nightly

    nightly(None)
