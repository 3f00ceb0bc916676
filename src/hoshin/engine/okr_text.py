"""The measurement a key result's words state: kind, baseline, target and unit, read from
text as organisations write it (pure: no Django).

* Numbers in digits (``1,200``, ``1.2M``, ``5k``) or in words (``two``, ``twenty-five``,
  ``a dozen``, ``three hundred``, ``3 million``); amounts in a currency (``$2M``, ``€50k``,
  ``£3``, ``USD 5k``, ``5k EUR``); percentages (``35%``, ``35 percent``).
* Due dates (``by March 31``, ``by end of Q2``, ``by 15 June 2024``, ``by Q3``,
  ``before 2025-06-30``) are due dates, never targets: they are taken out of the text
  before any number is read, and returned as ``due``.
* Changes: ``from X to Y`` (also ``X → Y``) is an increase or a decrease.
* Thresholds below (``less than N``, ``under N``, ``no more than N``, ``fall to N``,
  ``reduce … to N``): a decrease from the baseline when the text gives one (``from X``,
  ``currently X``, ``X today``, ``down from X``, ``baseline X``), else ``stay_below`` N.
* Thresholds above (``> N``, ``above N``, ``more than N``, ``at least N`` for a
  percentage or with ``keep``/``maintain``): an increase from the baseline the text gives,
  else ``stay_above`` N. ``at least N`` of a count (``at least 3 deals``) is an increase
  from 0.
* ``towards a goal of N``, ``target of N``: the target, direction from the baseline or
  the verb.
* Relative changes with no starting value (``grow X by 25%``, ``reduce X by 5%``,
  ``double X``, ``halve X``, ``20% fewer X``): measured as the change from the start,
  0 → +25 % or 0 → -5 % (an increase or a decrease), reported as an assumption.
* A count with no baseline (``hire 5 engineers``): an increase from 0, reported as an
  assumption; a duration alone (``releases take 1 hour``) is a ceiling: ``stay_below``.
* Placeholders (``$N``, ``X%``, ``TBD``) give a milestone with no target, reported.

Years (2024), labels (Tier 1, RFC 42, Q4, FY24) and versions (3.13) are not targets.
"""

from __future__ import annotations

import re

from hoshin.engine import numbers

# Numbers written as words ---------------------------------------------------------------

_SMALL = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen".split())}
_TENS = {w: 10 * (i + 2) for i, w in enumerate(
    "twenty thirty forty fifty sixty seventy eighty ninety".split())}
_SCALE = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_WORD = "|".join(sorted([*_SMALL, *_TENS, *_SCALE, "dozen"], key=len, reverse=True))
_WORDS = re.compile(rf"\b(?:(?:an?|a\s+few)\s+)?(?:{_WORD})(?:(?:[\s-]+(?:and\s+)?)(?:{_WORD}))*\b",
                    re.IGNORECASE)
# "one" alone is mostly not a number ("one of the", "one-click", "no one"): only after
# words that introduce a quantity.
_ONE_OK = re.compile(r"(?:\b(?:at least|at most|to|from|than|exactly|only|just|reach|hire|add"
                     r"|launch|ship|sign|close|publish|release|run|hold|deliver|win|onboard"
                     r"|recruit|open)\s+)$", re.IGNORECASE)
_DIGIT_SCALE = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s*(million|mn|mio|mm|billion|bn|thousand)\b",
                          re.IGNORECASE)
_SCALE_LETTER = {"million": "M", "mn": "M", "mio": "M", "mm": "M", "billion": "B", "bn": "B",
                 "thousand": "k"}
_CODE_BEFORE = re.compile(r"\b(USD|US\$|EUR|GBP|JPY|INR|CHF|CAD|AUD|NZD|SEK|NOK|DKK)\s*"
                          r"(?=\d)")
_CODE_AFTER = re.compile(r"(?<![\w.,])(\d[\d,]*(?:\.\d+)?\s?[kKmMbB]?)\s*(USD|EUR|GBP|JPY|INR"
                         r"|dollars?|euros?|pounds?)\b")
_SYMBOL = {"usd": "$", "us$": "$", "dollar": "$", "dollars": "$", "eur": "€", "euro": "€",
           "euros": "€", "gbp": "£", "pound": "£", "pounds": "£", "jpy": "¥", "inr": "₹"}
_PERCENT_WORD = re.compile(r"(\d)\s*(?:percent|per cent|pct)\b", re.IGNORECASE)


def _words_value(words: str) -> float | None:
    tokens = [t for t in re.split(r"[\s-]+", words.lower()) if t and t != "and"]
    if tokens and tokens[0] in ("a", "an"):
        if len(tokens) == 1 or tokens[1] not in (*_SCALE, "dozen"):
            return None
        tokens[0] = "one"
    if tokens[:2] == ["a", "few"]:
        return None
    total = current = 0.0
    seen = False
    for t in tokens:
        if t in _SMALL:
            current += _SMALL[t]
        elif t in _TENS:
            current += _TENS[t]
        elif t == "dozen":
            current = (current or 1) * 12
        elif t == "hundred":
            current = (current or 1) * 100
        elif t in _SCALE:
            total += (current or 1) * _SCALE[t]
            current = 0
        else:
            return None
        seen = True
    return total + current if seen else None


def normalize(text: str) -> str:
    """The text with numbers in digits, currency codes as signs and "percent" as "%":
    what the measurement patterns read. Line shape is kept; lengths may change."""
    text = _PERCENT_WORD.sub(r"\1%", text)
    text = _DIGIT_SCALE.sub(lambda m: m.group(1) + _SCALE_LETTER[m.group(2).lower()], text)

    def words(m: re.Match) -> str:
        phrase = m.group(0)
        if phrase.lower() == "one" and not _ONE_OK.search(text[:m.start()]):
            return phrase
        value = _words_value(phrase)
        if value is None:
            return phrase
        if value >= 1e9 and value % 1e9 == 0:
            return f"{value / 1e9:g}B"
        if value >= 1e6 and value % 1e5 == 0:
            return f"{value / 1e6:g}M"
        return f"{value:,.0f}" if value.is_integer() else f"{value:g}"

    text = _WORDS.sub(words, text)
    text = _DIGIT_SCALE.sub(lambda m: m.group(1) + _SCALE_LETTER[m.group(2).lower()], text)

    def code_after(m: re.Match) -> str:
        code = m.group(2).lower()
        return _SYMBOL.get(code, m.group(2) + " ") + m.group(1)

    text = _CODE_AFTER.sub(code_after, text)
    return _CODE_BEFORE.sub(lambda m: _SYMBOL.get(m.group(1).lower(), m.group(1)), text)


# Due dates ------------------------------------------------------------------------------

_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|May|june?|july?|aug(?:ust)?"
          r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_YEAR = r"(?:'\d{2}|\d{4})"
_PERIOD = r"(?:(?:FY|CY)\s?'?\d{2,4}\s*[-/ ]?\s*)?(?:Q[1-4]|H[12])(?:\s*[-/ ]?\s*(?:(?:FY|CY)\s?)?'?\d{2,4})?"
_FISCAL = r"(?:FY|CY)\s?'?\d{2,4}"
_SPAN = (r"(?:quarter|year|month|week|sprint|cycle|period|half|term|semester|season|summer"
         r"|winter|spring|autumn|fall|fiscal year|calendar year|financial year|school year)")
_EDGE = r"(?:(?:the\s+)?(?:end|start|beginning|middle|close|first half|second half)\s+of\s+(?:the\s+)?)"
_DATE_CORE = (
    rf"(?:{_MONTH}\s+{_DAY}(?:,?\s+{_YEAR})?(?!\s*%)"
    rf"|{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?"
    rf"|\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?"
    rf"|{_EDGE}?(?:{_PERIOD}|{_FISCAL})"
    rf"|(?:week|wk|day|sprint|month)\s+\d{{1,2}}\b"
    rf"|{_EDGE}(?:this|next|the)?\s*{_SPAN}|(?:this|next|the)\s+{_SPAN}"
    rf"|\b(?:EO[QYMWD]|EOFY|EOCY)\b"
    rf"|{_WEEKDAY}"
    rf"|(?:(?:early|mid|late)[\s-]+|{_EDGE})?{_MONTH}(?:\s+{_YEAR})?"
    rf"|(?:week|wk|day|sprint|month)\s+\d{{1,2}}\b"
    rf"|{_EDGE}?(?:19|20)\d\d)")
_DUE_WORDS = (r"(?:by|before|until|till|til|no later than|not later than|ahead of|prior to|in"
              r"|during|on|through|thru|due|due by|due on|at|for|end of|throughout)")
_DUE = re.compile(rf"\b{_DUE_WORDS}\s+(?:the\s+)?(?P<date>{_DATE_CORE})(?![\w%])",
                  re.IGNORECASE)
# Dates that cannot be anything else, wherever they stand.
_DATE_ALONE = re.compile(
    rf"(?<![\w$€£])(?:{_MONTH}\s+{_DAY}(?:,?\s+{_YEAR})?|{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?"
    rf"|\d{{4}}-\d{{2}}-\d{{2}}|{_MONTH}\s+{_YEAR})(?![\w%])", re.IGNORECASE)
_MAY = re.compile(r"\bmay\b")  # the verb, lower case: not the month


def _plausible(date: str) -> bool:
    if _MAY.search(date):
        return False
    m = re.fullmatch(rf"(?:{_MONTH})\s+(\d{{1,2}})(?:st|nd|rd|th)?.*", date, re.IGNORECASE)
    if m and int(m.group(1)) > 31:
        return False
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})(?:/\d{2,4})?", date)
    if m and (int(m.group(1)) > 31 or int(m.group(2)) > 31 or int(m.group(1)) == 0):
        return False
    return True


def find_due(text: str) -> tuple[str, str]:
    """(the due date as written, or "", the text with every date blanked out)."""
    due = ""
    chars = list(text)

    def blank(start: int, end: int) -> None:
        for i in range(start, end):
            chars[i] = " "

    for m in _DUE.finditer(text):
        date = m.group("date")
        if not _plausible(date) or re.fullmatch(r"\s*", date):
            continue
        # "in the 2020 roadmap", "at 99%": a bare year or a span word after "in"/"at"/"for"
        # is not a due date, but it is not a target either.
        word = m.group(0)[:m.start("date") - m.start()].strip().lower()
        if word.split()[0] in ("in", "at", "for", "on", "during", "through", "thru",
                               "throughout") and re.fullmatch(
                r"(?:the\s+)?(?:this|next|each|every)?\s*\w+", date, re.IGNORECASE) and \
                not re.search(r"\d|q[1-4]|h[12]", date, re.IGNORECASE) and \
                not re.fullmatch(_MONTH, date, re.IGNORECASE):
            continue
        if not due and word.split()[0] not in ("at",):
            due = m.group(0).strip()
        blank(m.start(), m.end())
    for m in _DATE_ALONE.finditer("".join(chars)):
        if _plausible(m.group(0)):
            blank(m.start(), m.end())
    return due, "".join(chars)


# Measurement ----------------------------------------------------------------------------

_PLACEHOLDER_LINK = re.compile(r"^(?:[$€£]?[A-Z][%+]?|[$€£][A-Z]{2}|[A-Z]{2}%)$")
_PLACEHOLDER = re.compile(r"(?<![\w$€£])[$€£][A-Z](?![\w])|(?<![\w.])[XNY]%|\bTBD\b|\bTBC\b"
                          r"|\?\?\?|(?<![\w$])N(?![\w%/'’])")

_CUR = r"[$€£¥₹]|(?:CHF|CAD|AUD|NZD|SEK|NOK|DKK)\s?"
_NUM = (r"(?P<{p}cur>" + _CUR + r")?(?P<{p}n>\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?)"
        r"(?:\s?(?P<{p}mult>[kKmMbB])(?![A-Za-z]))?"
        r"(?:\s?(?P<{p}u>%|pp\b|x\b|ms\b|s\b|secs?\b|seconds?\b|mins?\b|minutes?\b|hrs?\b"
        r"|hours?\b|h\b|days?\b|weeks?\b|points?\b|pts?\b))?")
_FROM_TO = re.compile(r"\bfrom\s+(?:about\s+|around\s+|~)?" + _NUM.format(p="a") +
                      r"\s+(?:up\s+|down\s+)?to\s+(?:under\s+|below\s+|above\s+|over\s+|less than\s+"
                      r"|more than\s+|at least\s+|at most\s+|about\s+|around\s+|~)?" +
                      _NUM.format(p="b"), re.IGNORECASE)
_ARROW = re.compile(_NUM.format(p="a") + r"\s*(?:→|->|=>|⇒|➝|–>|—>)\s*" + _NUM.format(p="b"))
# "10% increase in positive ratings (70% to 80%)": a range in brackets states the start and
# the target; it wins over the change written before it.
_RANGE_IN_BRACKETS = re.compile(r"\(\s*" + _NUM.format(p="a") + r"\s*(?:to|→|->)\s*"
                                + _NUM.format(p="b") + r"\s*\)", re.IGNORECASE)
_BASELINE = re.compile(
    r"(?:\b(?:currently|today|now|was|were|is|are|baseline(?:\s+of|\s+is)?|down from|up from"
    r"|from|vs\.?|versus|compared to|compared with|starting at|starting from|current)\s*[:=]?"
    r"\s*(?:at\s+|of\s+|about\s+|around\s+|~)?" + _NUM.format(p="") + r")"
    r"|(?:" + _NUM.format(p="t") + r"\s+(?:today|currently|now|at present|at the moment"
    r"|in the last|last quarter|last year|in Q[1-4]))", re.IGNORECASE)
_BELOW = re.compile(
    r"(?P<cmp><=|≤|<|\bunder\b|\bbelow\b|\bless than\b|\bfewer than\b|\bno more than\b"
    r"|\bnot more than\b|\bat most\b|\bmax(?:imum)?(?:\s+of)?\b|\bno greater than\b"
    r"|\bno higher than\b|\blower than\b|\bwithin\b|\bfall(?:s|ing)?\s+(?:to|below|under)\b"
    r"|\bdrop(?:s|ping|ped)?\s+(?:to|below|under)\b|\bdown\s+to\b|\bgo(?:es)?\s+down\s+to\b"
    r"|\bbring\s+(?:\w+\s+){0,3}down\s+to\b|\bunder\s+the\s+threshold\s+of\b)\s*"
    + _NUM.format(p=""), re.IGNORECASE)
_ABOVE = re.compile(
    r"(?P<cmp>>=|≥|>|\babove\b|\bover\b|\bmore than\b|\bgreater than\b|\bhigher than\b"
    r"|\bat least\b|\bminimum(?:\s+of)?\b|\bmin\.?|\bno less than\b|\bnot less than\b"
    r"|\bno fewer than\b|\bexceed(?:s|ing)?\b|\bupwards of\b|\bin excess of\b)\s*"
    + _NUM.format(p=""), re.IGNORECASE)
_GOAL = re.compile(r"\b(?:(?:towards?|toward)\s+(?:a|the|our)\s+(?:goal|target)\s+of"
                   r"|(?:goal|target|aim)\s*(?:of|is|:|=|for))\s*(?:~|about\s+|around\s+)?"
                   + _NUM.format(p=""), re.IGNORECASE)
_TO = re.compile(r"\b(?:to|reach(?:es|ing)?|hit(?:ting)?|achieve|achieving|attain)\s+"
                 r"(?:~|about\s+|around\s+|approximately\s+)?" + _NUM.format(p=""),
                 re.IGNORECASE)
_BY = re.compile(r"\bby\s+(?:~|about\s+|around\s+|at least\s+)?" + _NUM.format(p=""),
                 re.IGNORECASE)
_REL = re.compile(_NUM.format(p="") + r"\s+(?P<dir>more|higher|increase|growth|uplift|improvement"
                  r"|faster|better|greater|bigger|larger|up|fewer|less|lower|reduction"
                  r"|decrease|drop|decline|cut|cheaper|smaller|down)\b", re.IGNORECASE)
_DOUBLE = re.compile(r"\b(?P<w>double[sd]?|doubling|triple[sd]?|tripling|quadruple[sd]?"
                     r"|halve[sd]?|halving|cut\s+(?:\w+\s+){0,3}in\s+half)\b", re.IGNORECASE)
_ANY = re.compile(r"(?<![\w#.:/+'’-])" + _NUM.format(p="") + r"(?![\w:/-]|\.\d)")
_DECREASE = re.compile(r"\b(?:reduce[sd]?|reducing|reduction|decrease[sd]?|decreasing|cut"
                       r"|cuts|lower|lowering|shrink|drop|minimi[sz]e[sd]?|fewer|less|eliminate"
                       r"|bring down|fall(?!\s+(?:\d{4}|'\d\d|semester|term|quarter|season|of))"
                       r"(?<!\bof\sfall)(?<!\bthe\sfall)|falls)\b", re.IGNORECASE)
_DECREASE_VERB = re.compile(r"\b(?:reduce[sd]?|reducing|decrease[sd]?|decreasing|cut|cuts|lower"
                            r"|lowering|shrink|drop|minimi[sz]e[sd]?|eliminate|bring down"
                            r"|fall(?!\s+(?:\d{4}|'\d\d|semester|term|quarter|season|of))"
                            r"(?<!\bof\sfall)(?<!\bthe\sfall)|falls)\b", re.IGNORECASE)
_KEEP = re.compile(r"\b(?:keep|kept|keeping|maintain|maintained|maintaining|stay|stays|remain"
                   r"|remains|sustain|sustained|hold|always|consistently)\b",
                   re.IGNORECASE)
_MULT = {"k": 1e3, "m": 1e6, "b": 1e9}
# A number right after these words names a thing ("Tier 1", "RFC 42"), it is not a target.
_LABEL_BEFORE = re.compile(r"(?:\btier|\brfc|\blevel|\bphase|\bversion|\bv|\bstep|\btop|\bno\."
                           r"|\bnumber|\bissue|\bweek|\bmonth|\bday|\bsprint|\bmilestone"
                           r"|\bpriority|\bseverity|\bS|\bP|\bQ|\bH|\bFY|\bCY|\bstage|\bwave"
                           r"|\bround|\bgrade|\bsection|\bchapter|\bpart|\bKR|\bO|\bobjective"
                           r"|\bgoal|\bSDG|\barticle|\bWCAG|\bpage|\bpriorit(?:y|ies)"
                           r"|(?:^|\s)(?=#))\s*#?\s*$",
                           re.IGNORECASE)
_DURATION = {"ms", "s", "sec", "secs", "second", "seconds", "min", "mins", "minute", "minutes",
             "hr", "hrs", "hour", "hours", "h", "day", "days", "week", "weeks"}


def _number(m: re.Match, p: str = "") -> tuple[float, str]:
    value = float(m.group(f"{p}n").replace(",", ""))
    if mult := m.group(f"{p}mult"):
        value *= _MULT[mult.lower()]
    unit = m.group(f"{p}u") or ""
    if m.group(f"{p}cur"):
        unit = m.group(f"{p}cur").strip()
    return value, unit if unit in ("%",) or not unit.isalpha() or unit.isupper() else unit.lower()


def _is_year(value: float, unit: str) -> bool:
    return not unit and value.is_integer() and 1900 <= value <= 2100


def _usable(text: str, m: re.Match, p: str = "") -> bool:
    value, unit = _number(m, p)
    # A year is written as four digits ("2024"); "2,000" is a number.
    year = _is_year(value, unit) and re.fullmatch(r"\d{4}", m.group(f"{p}n"))
    before = text[:m.start(f"{p}n")]
    # "#1", "Points # 1,2 & 3": numbers after "#" are references, not targets.
    refs = re.search(r"(?:^|\s)#\s*(?:\d+\s*[,&]\s*)*$", before)
    return not (year or refs or _LABEL_BEFORE.search(before.rstrip("$€£¥₹ ")))


def _baseline(text: str, target: float, unit: str, skip: re.Match) -> float | None:
    for m in _BASELINE.finditer(text):
        if skip.start() <= m.start() < skip.end():
            continue
        p = "" if m.group("n") else "t"
        value, u = _number(m, p)
        if _is_year(value, u) or (u and unit and u != unit) or value == target:
            continue
        return value
    return None


_SIGN_BEFORE = ("$", "€", "£", "¥", "₹")


def show(value: float, unit: str = "") -> str:
    """A number as people write it: "$4,000,000", "20%", "7 days", "1,200"."""
    number = numbers.number(abs(value), grouped=True)  # the one number formatter
    sign = "-" if value < 0 else ""
    if unit in _SIGN_BEFORE:
        return f"{sign}{unit}{number}"
    if unit and unit != "%" and unit[0].isalpha():
        return f"{sign}{number} {unit}"
    return f"{sign}{number}{unit}"


def measure(text: str, link_texts: list[str] | tuple = ()) -> dict:
    """The measurement a key result's text states: kind, baseline, target, unit, its due
    date as written, and the placeholder or assumptions to tell the user about."""
    out = {"kind": "milestone", "baseline": None, "target": None, "unit": "",
           "placeholder": "", "assumptions": [], "due": ""}
    for t in link_texts:
        if _PLACEHOLDER_LINK.match(t.strip()):
            out["placeholder"] = t.strip()
            return out
    due, text = find_due(text)
    out["due"] = due
    if m := _PLACEHOLDER.search(text):
        out["placeholder"] = m.group(0)
        return out
    text = normalize(text)
    decrease = bool(_DECREASE.search(text))

    def set_(kind, baseline, target, unit, note=""):
        out.update(kind=kind, baseline=baseline, target=target, unit=unit)
        if note:
            out["assumptions"].append(note)
        return out

    for pattern in (_FROM_TO, _ARROW, _RANGE_IN_BRACKETS):
        for m in pattern.finditer(text):
            if not (_usable(text, m, "a") and _usable(text, m, "b")):
                continue
            (a, ua), (b, ub) = _number(m, "a"), _number(m, "b")
            if a != b:
                return set_("increase" if b > a else "decrease", a, b, ub or ua)
    compares = sorted([*_BELOW.finditer(text), *_ABOVE.finditer(text)], key=lambda m: m.start())
    for m in compares:
        if not _usable(text, m):
            continue
        value, unit = _number(m)
        if m.re is _BELOW:
            base = _baseline(text, value, unit, m)
            if base is not None and base > value:
                return set_("decrease", base, value, unit)
            note = ""
            if _DECREASE_VERB.search(text) or re.search(r"fall|drop|down", m.group("cmp"),
                                                         re.IGNORECASE):
                note = (f"a decrease to {show(value, unit)} with no starting value: imported as "
                        f"stay_below {show(value, unit)} (write \"from X to Y\" to track the "
                        "decrease)")
            return set_("stay_below", None, value, unit, note)
        if unit in _DURATION and m.group("cmp").lower() in ("over",):
            continue  # "over 3 months": a period
        base = _baseline(text, value, unit, m)
        if base is not None and base < value:
            return set_("increase", base, value, unit)
        counted = (m.group("cmp").lower().startswith(("at least", "minimum", "min", "no fewer"))
                   and unit != "%" and unit not in _DURATION and not _KEEP.search(text))
        if counted:
            return set_("increase", 0.0, value, unit,
                        f"baseline 0 assumed (the text gives at least {show(value, unit)} but no "
                        "starting value)")
        return set_("stay_above", None, value, unit)
    for m in _GOAL.finditer(text):
        if not _usable(text, m):
            continue
        value, unit = _number(m)
        base = _baseline(text, value, unit, m)
        if base is not None and base != value:
            return set_("increase" if value > base else "decrease", base, value, unit)
        if unit in _DURATION:
            return set_("stay_below", None, value, unit)
        if decrease:
            return set_("stay_below", None, value, unit,
                        f"a decrease toward {show(value, unit)} with no starting value: imported "
                        f"as stay_below {show(value, unit)}")
        return set_("increase", 0.0, value, unit,
                    f"baseline 0 assumed (a goal of {show(value, unit)} but no starting value)")
    if m := _DOUBLE.search(text):
        word = m.group("w").lower()
        change = (100.0 if word.startswith("doubl") else 200.0 if word.startswith("tripl")
                  else 300.0 if word.startswith("quadrupl") else -50.0)
        return set_("increase" if change > 0 else "decrease", 0.0, change, "%",
                    f'"{m.group(0)}" read as a change of {change:+g}% from the start '
                    "(measured as the change: 0 at the start)")
    for m in _REL.finditer(text):
        if not _usable(text, m):
            continue
        value, unit = _number(m)
        down = m.group("dir").lower() in ("fewer", "less", "lower", "reduction", "decrease",
                                          "drop", "decline", "cut", "cheaper", "smaller", "down")
        if unit in _DURATION or value == 0:
            continue
        return _relative(set_, value, unit, down)
    for m in _BY.finditer(text):
        if not _usable(text, m):
            continue
        value, unit = _number(m)
        if value == 0 or unit in _DURATION:
            continue
        return _relative(set_, value, unit, decrease)
    for m in _TO.finditer(text):
        if not _usable(text, m):
            continue
        value, unit = _number(m)
        if unit in _DURATION:
            return set_("stay_below", None, value, unit)
        base = _baseline(text, value, unit, m)
        if base is not None and base != value:
            return set_("increase" if value > base else "decrease", base, value, unit)
        if decrease or value == 0:
            return set_("stay_below", None, value, unit,
                        f"a decrease to {show(value, unit)} with no starting value: imported as "
                        f"stay_below {show(value, unit)} (write \"from X to Y\" to track the "
                        "decrease)")
        return set_("increase", 0.0, value, unit,
                    f"baseline 0 assumed (the text gives {show(value, unit)} but no starting "
                    "value)")
    for m in _ANY.finditer(text):
        if not _usable(text, m):
            continue
        value, unit = _number(m)
        if unit in _DURATION:
            # "releases take 1 hour": a duration stated alone is a ceiling to stay under.
            return set_("stay_below", None, value, unit)
        if value == 0 or (decrease and unit != "%"):
            return set_("stay_below", None, value, unit,
                        f"{show(value, unit)} with no starting value, in a text about less of "
                        f"something: imported as stay_below {show(value, unit)}")
        if decrease:
            return _relative(set_, value, unit, True)
        return set_("increase", 0.0, value, unit,
                    f"baseline 0 assumed (the text gives {show(value, unit)} but no starting "
                    "value)")
    return out


def _relative(set_, value: float, unit: str, down: bool) -> dict:
    if down:
        return set_("decrease", 0.0, -value, unit,
                    f"a decrease by {show(value, unit)} with no starting value: measured as the "
                    f"change from the start, 0 → {show(-value, unit)}")
    return set_("increase", 0.0, value, unit,
                f"baseline 0 assumed (the text gives a change of {show(value, unit)} but no "
                "starting value: measured as the change from the start)")
