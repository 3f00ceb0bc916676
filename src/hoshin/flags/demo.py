"""Flags of the demo company: judged once on the day the demo is built around."""

import datetime as dt


def load_demo(today: dt.date) -> None:
    from hoshin.flags.services import evaluate_flags

    evaluate_flags(None, today=today)
