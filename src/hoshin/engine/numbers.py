"""Numbers as people read them: one way to write a baseline, a target, a reading or a
metric's actual wherever it is shown (pages, charts, messages, texts).

Plain Python, no Django: the template filter `number` (core/templatetags/numbers.py)
calls this, so a page and an email say the same "12.5" for the same value.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

EMPTY = ""


def number(value: float | int | None, *, places: int = 2, significant: int | None = None,
           grouped: bool = False, empty: str = EMPTY) -> str:
    """`value` with at most `places` decimals and no trailing zeros: 35, 12.5, 0.33.

    `significant` rounds to that many significant digits instead, for estimates (a
    forecast's "about 31.2", "0.0123"); from 10**(significant-1) up it is a whole number.
    `grouped` writes thousands with commas (1,234,567). Never an exponent: nobody
    reads 1.2e+06 as a target. None is `empty`."""
    if value is None:
        return empty
    value = float(value)
    if not math.isfinite(value):
        return str(value)
    if significant is not None and value != 0:
        if abs(value) >= 10 ** (significant - 1):
            places = 0
        else:
            value = float(f"{value:.{significant}g}")
            places = max(0, significant - 1 - math.floor(math.log10(abs(value))))
    # Halves round up, as written (Decimal of the shortest repr): 0.125 is 0.13.
    rounded = Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    text = f"{rounded:,f}" if grouped else f"{rounded:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
