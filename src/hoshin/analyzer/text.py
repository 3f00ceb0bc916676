"""The analyzer's text rules (SPEC §4): what the words of an objective or key result say.

Pure Python, standard library only, deterministic and explainable: every verdict quotes the
words that triggered it. The rules read OKRs as companies publish them (Markdown, links,
owner prefixes, "=> result" notes, numbers hidden as placeholders), so every rule first
runs `clean()`.

How each rule decides, its limits and its measured precision and recall on a labelled set
of published OKRs: docs/analyzer-text-rules.md (bench/analyzer_eval.py reproduces them).

The word lists live in `hoshin.analyzer.textdata` and are stems (see `stem`), so
"launch", "launched" and "launching" are one entry.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from collections.abc import Sequence
from functools import lru_cache

from hoshin.analyzer import semantic
from hoshin.analyzer import textdata as W
from hoshin.analyzer import textmodel
from hoshin.analyzer.textdata.stemming import stem


@dataclass(frozen=True)
class TextVerdict:
    code: str      # a SPEC §4 rule code, e.g. "output-kr"
    reason: str    # one plain sentence: why, quoting the words that triggered it, what to do


@dataclass(frozen=True, init=False)
class TextItem:
    id: str        # the item's key
    group: str     # e.g. the unit key: pairs within one group are not reported as overlap
    text: str
    kind: str | None = None   # KR kind (increase/decrease/stay_above/stay_below/milestone)

    def __init__(self, id: str, group: str, text: str, kind: str | None = None):
        # What the generated __init__ of a frozen dataclass does, in one call instead of a
        # call per field: a draft check makes thousands of these.
        self.__dict__.update(id=id, group=group, text=text, kind=kind)


# Cleaning ----------------------------------------------------------------------------------

# A number hidden behind a placeholder: [_N<sub>0</sub>_][n0], [$L][l], [X%][x], $N, X%,
# ZZZ, [TBD]. Kept apart from clean() because a placeholder still means "there is a number".
_PLACEHOLDER_LINK = re.compile(
    r"\[\s*_?\$?(?!P\d\])(?:[A-Z]{1,3}|TBD)(?:<sub>\w+</sub>|\d+)?%?_?\s*\]\[\w*\]")
_PLACEHOLDER = re.compile(
    r"(?<![\w$])(?:\$[A-Z]\b|[A-Z]%|\$?[A-Z]\d?(?=\s*(?:%|x\b))|XXX+|YYY+|ZZZ+|NNN+|"
    r"\[\s*(?:TBD|TBC|X|N|\?+)\s*\]|\bTBD\b|\bTBC\b|\?\?+)")
_LONE_LETTER = re.compile(r"(?<![\w$'’-])[NX](?![\w'’-])")
_RESULT_NOTE = re.compile(r"\s=+>.*$", re.S)
# A grade or score noted after the words, "(6/10)", "(0.2)", "(1.0)": how it went, not a
# number the item is measured by.
_GRADE_NOTE = re.compile(r"\s*\(\s*(?:\d{1,2}(?:\.\d)?\s*/\s*10|0?\.\d{1,2}|[01](?:\.0+)?)\s*\)\s*$")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_REF_LINK = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_URL = re.compile(r"(?:https?://|www\.)\S+")
_HTML = re.compile(r"</?\w+[^>]*>")
_LIST_MARK = re.compile(r"^\s*(?:[-*+•]|\d+[.)]|[a-z][.)]|#+)\s+|^\s*\d+[.)](?=[A-Z])")
# Priority and area tags anywhere: "[P0]", "[P1][INFRA]" (not a hidden number).
_TAGS = re.compile(r"\[P\d\](?:\[[A-Z][A-Za-z-]*\])*")
_EMPHASIS = re.compile(r"(\*\*|__|\*|`|~~)")
_UNDERSCORE_EMPH = re.compile(r"(?<!\w)_([^_]+)_(?!\w)")
_HANDLE = re.compile(r"(?<![\w.])@[\w.-]+")
_EMOJI = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\uFE0F\u200D]")
_SHORTCODE = re.compile(r":[a-z0-9_+-]+:")
# "CEO: ", "Sales (Closing Deals): ", "VP Marketing: ", "KR: ", "KR1: ", "Objective 1: ".
# Every word capitalised (or a joining word) so that "Hire engineers: +1" is not an owner.
_OWNER = re.compile(
    r"^(?:(?:[A-Z][\w&/.'’-]*|and|of|&|the|for|[A-Z]{1,6}\d*|#?\d+)(?:\s+|(?=[\s(:]))){1,5}"
    r"(?:\([^)]{1,40}\)\s*)?:\s+")
_KR_TAG = re.compile(r"^(?:KR|O|Objective|OBJECTIVE|Key Result|Goal)\s*#?\d*(?:\.\d+)?\s*[:.|-]"
                     r"(?:\s+|$)",
                     re.I)
_SPACES = re.compile(r"\s+")
# A priority or size tag before the words: "[P0] Create a forum", "(P1) Publish 2 videos".
_PRIORITY = re.compile(r"^(?:[\[(](?:P\d|[SML]|XL|high|medium|low)[\])]|\[[ xX]\])\s*|"
                       r"^\[[A-Z][\w -]{0,24}\]\s+(?=[A-Z])", re.I)


def _strip_markup(text: str) -> str:
    text = _RESULT_NOTE.sub("", text)
    text = _HTML.sub("", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _REF_LINK.sub(r"\1", text)
    text = _URL.sub("", text)
    text = _EMOJI.sub("", _SHORTCODE.sub("", text))
    text = _EMPHASIS.sub("", text)
    text = _UNDERSCORE_EMPH.sub(r"\1", text)
    text = text.replace("\\", " ")
    return _SPACES.sub(" ", text).strip()


def _strip_prefixes(text: str) -> str:
    if "@" in text:
        text = _HANDLE.sub("", text).strip()
    for _ in range(4):
        before = text
        if text[:1] == "|":
            # A row of a Markdown table: "| KR 2 | Maintain ... |".
            text = text.strip("| ")
        if text[:1] in _LIST_START or text[:1].isdigit():
            text = _LIST_MARK.sub("", text)
        if text[:1] in "[(":
            text = _PRIORITY.sub("", text)
        head = text[:60]
        if ":" in head or "." in head[:14] or "-" in head[:14] or "|" in head[:14]:
            text = _KR_TAG.sub("", text)
            if len(text) > 12 and ":" in text[:60]:
                text = _OWNER.sub("", text, count=1)
        text = text.strip()
        if text == before:
            break
    return text


_LIST_START = frozenset("-*+•#")


@lru_cache(maxsize=65_536)  # every text rule and the pairwise ones clean the same titles
def analyse(text: str) -> tuple[str, bool]:
    """(clean text, whether a placeholder stood for a number)."""
    raw = text or ""
    raw = _RESULT_NOTE.sub("", raw)
    if "[P" in raw:
        raw = _TAGS.sub(" ", raw)
    placeholder = bool(_PLACEHOLDER_LINK.search(raw))
    raw = _PLACEHOLDER_LINK.sub(" ", raw)
    text = _strip_markup(raw)
    if _PLACEHOLDER.search(text) or _LONE_LETTER.search(text):
        placeholder = True
    text = _PLACEHOLDER.sub(" ", text)
    text = _LONE_LETTER.sub(" ", text)
    text = _strip_prefixes(_SPACES.sub(" ", text).strip())
    text = re.sub(r"\(\s*[,;]?\s*\)", "", text)
    if text.endswith(")"):
        text = _GRADE_NOTE.sub("", text)
    text = re.sub(r"\s+([,.;:)])", r"\1", text)
    text = _SPACES.sub(" ", text).strip(" -–—:;,")
    return text, placeholder


@lru_cache(maxsize=65_536)  # overlap and contradiction read the same titles in one check
def _clean_for_terms(text: str) -> str:
    """A faster clean() for the pairwise rules, which only need the words: placeholders,
    emoji and emphasis marks are not words anyway."""
    text = text or ""
    if "=>" in text:
        text = _RESULT_NOTE.sub("", text)
    if "][" in text:
        text = _PLACEHOLDER_LINK.sub(" ", text)
    if "<" in text:
        text = _HTML.sub("", text)
    if "[" in text:
        text = _REF_LINK.sub(r"\1", _MD_LINK.sub(r"\1", text))
    if "://" in text or "www." in text:
        text = _URL.sub("", text)
    if "*" in text or "`" in text or "_" in text or "~" in text:
        text = _EMPHASIS.sub("", text)
    return _strip_prefixes(text.replace("\\", " ").strip())


def clean(text: str) -> str:
    """The words of an objective or key result without Markdown, links, owner prefixes
    ("Sales: ", "@handle", "KR: "), "=> result" notes, placeholders ("X%", "[TBD]", "N")
    and emoji. Numbers stay."""
    return analyse(text)[0]


# Words -------------------------------------------------------------------------------------

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'’-]*|\d+(?:[.,]\d+)?[%xkKmMbB+]*")


def words(text: str) -> list[str]:
    return [m.group(0) for m in _WORD.finditer(text)]


def stems(text: str) -> list[str]:
    return [stem(w) for w in words(text) if not w[0].isdigit()]


def _content(text: str) -> list[str]:
    """Stemmed words that carry meaning (no stop words, no numbers)."""
    return [s for s in stems(text) if s not in W.STOP and len(s) > 1]


# Numbers that measure, not numbers that name (Q3, FY22, SOC2, ISO 27001, #9628, v3.16,
# 2020-03-02, Tier 1, Stage 4) and not numbers in a parenthesised aside.
_NAMING_NUMBERS = re.compile(
    r"\b(?:Q[1-4]|H[12]|FY\s?\d{2,4}|CY\s?\d{2,4}|v?\d+\.\d+(?:\.\d+)?(?=\s|$|[,;)])|"
    r"(?:19|20)\d\d(?:-\d\d(?:-\d\d)?)?|#\d+|[A-Za-z]+\d+[A-Za-z]*|\d+(?:st|nd|rd|th)|"
    r"(?:tier|stage|level|phase|step|version|iso|rfc|asc|p|sev)\s*\d+\+?)\b", re.I)
_PARENS = re.compile(r"\([^()]*\)")
_ANY_DIGIT = re.compile(r"\d")
_NUMBER_WORDS = frozenset("""one two three four five six seven eight nine ten twelve twenty
fifty hundred thousand million half double triple doubles doubled twice zero""".split())
_MEASURING_NUMBER = re.compile(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|"
                               r"twelve|twenty|fifty|hundred|thousand|million|half|double|"
                               r"triple|doubles|doubled|twice|zero)\b", re.I)


def _has_number(text: str) -> bool:
    if not _ANY_DIGIT.search(text) and not _NUMBER_WORDS & {w.lower() for w in words(text)}:
        return False
    text = _NAMING_NUMBERS.sub(" ", _PARENS.sub(" ", text))
    return bool(_MEASURING_NUMBER.search(text))


def _find(pattern: re.Pattern, text: str) -> str | None:
    m = pattern.search(text)
    return m.group(0).strip() if m else None


def _lead(text: str, n: int = 1) -> list[str]:
    """The first n stems after auxiliaries, quantifiers and articles ("Be providing
    training" -> provid)."""
    out = []
    for s in stems(text):
        if not out and s in W.LEAD_SKIP:
            continue
        out.append(s)
        if len(out) >= n:
            break
    return out


# Key results -------------------------------------------------------------------------------


def _quote(triggers: tuple[str, ...], fallback: str) -> str:
    """The words that triggered a verdict, quoted; abstract reasons ("(no number)") bare."""
    parts = [t if t.startswith("(") else f'"{t}"' for t in triggers if t] or [f'"{fallback}"']
    return " and ".join(parts)


def _kpi(judged: textmodel.Judgement, feats: dict[str, str], kind: str | None,
         baseline: float | None, target: float | None,
         history: Sequence[float] | None, guardrail: bool) -> str | None:
    """kpi-in-disguise: what says the key result holds a level rather than changing it.

    The words decide first: a change target ("from 30 to 45", "by 50%", "fall to 3",
    "less than 5 towards 2") or a change verb make it an improvement whatever its kind; words
    that hold a level ("maintain … at", "at least … or higher") make it a held level. Then
    the numbers: a stay_above/stay_below key result whose baseline (or, when given, every
    value in its history) already meets its threshold is held, one that does not is a change
    to reach. A held threshold that guards another key result of the same objective
    (`guardrail`: the objective also moves something) is a counter-metric, not a disguised
    KPI, unless its words say it is only held."""
    change_words = feats.get("CHANGE_TARGET") or feats.get("CHANGE_VERB")
    if change_words and not feats.get("LEAD_HOLD"):
        return None
    words_hold = judged.fires
    quoted = _quote(judged.triggers, "")
    if kind in ("increase", "decrease") and baseline is not None and target is not None \
            and baseline != target:
        return None
    if kind in ("stay_above", "stay_below"):
        values = [v for v in (history or ()) if v is not None]
        if baseline is not None:
            values.append(baseline)
        held = None
        if target is not None and values:
            meets = [(v >= target) if kind == "stay_above" else (v <= target) for v in values]
            held = all(meets)
        if held is False:
            return None
        if words_hold and (not guardrail or feats.get("HOLD_VERB")):
            return f"{quoted} only holds a level"
        if held and not guardrail:
            level = "history" if history else "baseline"
            return (f"A {kind.replace('_', ' ')} key result whose {level} already meets its "
                    "threshold")
        return None
    return f"{quoted} only holds a level" if words_hold else None


def _with_measure(feats: dict[str, str], kind: str | None, baseline: float | None,
                  target: float | None, has_steps: bool) -> dict[str, str]:
    """The text's features plus what the key result's measure says when the caller has
    one: a title such as "Open critical roles" typed decrease 14 -> 4 names a measure whose
    number is in the fields, not in the words."""
    numbered = target is not None and kind in ("increase", "decrease", "stay_above",
                                               "stay_below")
    if kind == "milestone" and has_steps:
        # A milestone with steps is done or not: a verifiable done-state (never
        # unmeasurable-kr). Its words stay as written, with no number, because that is what
        # a deliverable is; whether it is an output is the words' question.
        out = dict(feats)
        out.setdefault("STATE_DONE", "(milestone steps)")
        return out
    if not numbered:
        return feats
    out = dict(feats)
    for name in ("NO_NUMBER", "TASK_NO_NUMBER", "NOMINAL_NO_NUMBER", "DONE_NO_NUMBER",
                 "CHANGE_NO_NUMBER"):
        out.pop(name, None)
    out.setdefault("NUMBER", f"({kind.replace('_', ' ')} to {target:g})")
    if "LEAD_NOMINAL" in out:
        out["NOMINAL_NUMBER"] = out["LEAD_NOMINAL"]
    if "LEAD_VERB" in out and "LEAD_CHANGE" not in out and "LEAD_HOLD" not in out:
        out["TASK_NUMBER"] = out["LEAD_VERB"]
    if kind in ("increase", "decrease") and baseline is not None and baseline != target:
        out.setdefault("CHANGE_WITH_NUMBER", f"({kind} from {baseline:g} to {target:g})")
    return out


def kr_verdicts(title: str, *, kind: str | None = None, baseline: float | None = None,
                target: float | None = None, has_steps: bool = False,
                history: Sequence[float] | None = None, guardrail: bool = False,
                model: dict | None = None) -> list[TextVerdict]:
    """Text verdicts on one key result: output-kr, bau-okr, unmeasurable-kr,
    kpi-in-disguise. kind/baseline/target are None for text-only input; when they make the
    key result measurable, unmeasurable-kr is not returned. history: earlier values of the
    measure, oldest first, when the caller has them. guardrail: the key result's objective
    also has a key result that changes something. model: a `textmodel` model (default: the
    one shipped)."""
    if model is None and history is None:
        return list(_shipped_kr_verdicts(title, kind, baseline, target, has_steps, guardrail,
                                         semantic.enabled()))
    return _kr_verdicts(title, kind=kind, baseline=baseline, target=target,
                        has_steps=has_steps, history=history, guardrail=guardrail, model=model)


# A process keeps the verdicts of the shipped model: the report page of a running worker and
# every draft check read the same stored key results again (the arguments are all the
# verdicts depend on, with whether the semantic extra is on).
@lru_cache(maxsize=65_536)
def _shipped_kr_verdicts(title, kind, baseline, target, has_steps, guardrail,
                         _semantic_on) -> tuple[TextVerdict, ...]:
    return tuple(_kr_verdicts(title, kind=kind, baseline=baseline, target=target,
                              has_steps=has_steps, guardrail=guardrail))


def _kr_verdicts(title: str, *, kind: str | None = None, baseline: float | None = None,
                 target: float | None = None, has_steps: bool = False,
                 history: Sequence[float] | None = None, guardrail: bool = False,
                 model: dict | None = None) -> list[TextVerdict]:
    text, _placeholder = analyse(title)
    if not text:
        return [TextVerdict("unmeasurable-kr", "The key result has no words once links, "
                            "placeholders and owner prefixes are removed; write what will "
                            "change and the number it should reach.")]
    feats = _with_measure(textmodel.item_features(title), kind, baseline, target, has_steps)
    judged = textmodel.judge_features(model or textmodel.default_model(), feats, "kr")
    judged = _with_vote(judged, title, "kr", model, feats)
    out: list[TextVerdict] = []
    j = judged["output-kr"]
    measured = target is not None and (
        kind in ("increase", "decrease") and baseline is not None and baseline != target
        or kind in ("stay_above", "stay_below"))
    if j.fires and (not measured or "CLEAR_TASK" in feats or "COUNTED_ACTIVITY" in feats):
        # A measure named by a noun phrase whose numbers are in its fields ("Open critical
        # roles", 14 -> 4; "Gross margin on new orders" at least 30%) is a result; a clear
        # task or a count of activities ("Publish case studies", 0 -> 6) stays an output.
        out.append(TextVerdict(
            "output-kr", f"{_quote(j.triggers, text)} describes an activity or a deliverable, "
            "not an outcome; state the result it should cause (for whom, what changes, by how "
            "much)."))
    j = judged["bau-okr"]
    if j.fires:
        out.append(TextVerdict(
            "bau-okr", f"{_quote(j.triggers, text)} is routine work; keep it in the operating "
            "plan or KPIs and use the key result for what must change this quarter."))
    measurable = target is not None or has_steps
    j = judged["unmeasurable-kr"]
    if not measurable and j.fires:
        out.append(TextVerdict(
            "unmeasurable-kr", f"{_quote(j.triggers, text)} cannot be checked at the end of "
            "the quarter; add a number with its baseline and target, or a verifiable "
            "done-state."))
    hit = _kpi(judged["kpi-in-disguise"], feats, kind, baseline, target, history, guardrail)
    if hit:
        out.append(TextVerdict(
            "kpi-in-disguise", f"{hit}; track it as a KPI and write a key result only if this "
            "quarter must move it."))
    return out


def _with_vote(judged: dict[str, textmodel.Judgement], title: str, role: str,
               model: dict | None, feats: dict[str, str]) -> dict[str, textmodel.Judgement]:
    """With the semantic extra on: a rule the learned model left silent fires when the
    nearest labelled examples vote for it (`semantic.vote`), within the same definitions
    (`textmodel._allowed`). The vote is the one `model` carries (key "semantic_vote"), or,
    for the shipped model, the shipped one; a model fitted without one gets no vote."""
    if not semantic.enabled():
        return judged
    v = model.get("semantic_vote") if model is not None else semantic.default_vote()
    if v is None:
        return judged
    out = dict(judged)
    for code, (_score, example) in semantic.vote(v, title, role).items():
        j = judged.get(code)
        if j is None or j.fires or not textmodel._allowed(code, feats):
            continue
        shown = example if len(example) <= 70 else example[:67].rstrip() + "…"
        out[code] = textmodel.Judgement(
            j.probability, True, (f'(close in meaning to labelled examples such as "{shown}")',))
    return out


# Objectives --------------------------------------------------------------------------------


def objective_verdicts(title: str, *, model: dict | None = None) -> list[TextVerdict]:
    """Text verdicts on one objective: vague-objective, overspecified-objective, bau-okr."""
    if model is None:
        return list(_shipped_objective_verdicts(title, semantic.enabled()))
    return _objective_verdicts(title, model=model)


@lru_cache(maxsize=65_536)  # as _shipped_kr_verdicts
def _shipped_objective_verdicts(title: str, _semantic_on: bool) -> tuple[TextVerdict, ...]:
    return tuple(_objective_verdicts(title))


def _objective_verdicts(title: str, *, model: dict | None = None) -> list[TextVerdict]:
    text, _placeholder = analyse(title)
    if not text:
        return [TextVerdict("vague-objective", "The objective has no words once links and "
                            "prefixes are removed; say what should change and for whom.")]
    judged = textmodel.judge(model or textmodel.default_model(), title, "objective")
    judged = _with_vote(judged, title, "objective", model, textmodel.item_features(title))
    out: list[TextVerdict] = []
    over, vague = judged["overspecified-objective"], judged["vague-objective"]
    if over.fires and (not vague.fires or over.probability >= vague.probability):
        out.append(TextVerdict(
            "overspecified-objective", f"The objective is really a task or a metric "
            f"({_quote(over.triggers, text)}); put that in a key result or an initiative and "
            "say what it is for."))
    elif vague.fires:
        out.append(TextVerdict(
            "vague-objective", f"Generic words ({_quote(vague.triggers, text)}) with no "
            "concrete subject or direction; name who or what should change and in which "
            "direction."))
    j = judged["bau-okr"]
    if j.fires:
        out.append(TextVerdict(
            "bau-okr", f"{_quote(j.triggers, text)} is routine work; keep it in the operating "
            "plan and use the objective for what must change this quarter."))
    return out


# Similarity --------------------------------------------------------------------------------


def _acronym_expand(tokens: list[str], raw: str, other_raw: str) -> set[str]:
    """SAOs in one text and "Sales Accepted Opportunities" in the other are one term."""
    out = set(tokens)
    other_words = [w for w in words(other_raw) if w[0].isalpha()]
    for acro in re.findall(r"\b([A-Z]{2,5})s?\b", raw):
        n = len(acro)
        for i in range(len(other_words) - n + 1):
            window = other_words[i:i + n]
            if "".join(w[0] for w in window).upper() == acro:
                out.discard(stem(acro))
                out.update(s for s in (stem(w) for w in window) if s not in W.STOP)
                break
    return out


@lru_cache(maxsize=65_536)  # fake-cascade compares each title with its parent's
def _terms(text: str) -> frozenset[str]:
    return frozenset(s for s in _content(text) if s not in W.SIMILARITY_STOP)


def similarity(a: str, b: str) -> tuple[float, float, set[str]]:
    """(Jaccard, share of a's terms found in b, shared terms) on stemmed content words."""
    ca, cb = clean(a), clean(b)
    ta = _acronym_expand(sorted(_terms(ca)), ca, cb)
    tb = _acronym_expand(sorted(_terms(cb)), cb, ca)
    if not ta or not tb:
        return 0.0, 0.0, set()
    shared = ta & tb
    return len(shared) / len(ta | tb), len(shared) / len(ta), shared


def copies_parent(child: str, parent: str) -> TextVerdict | None:
    """fake-cascade: the child restates the parent instead of contributing."""
    return _copies_parent(child, parent, semantic.enabled())


@lru_cache(maxsize=65_536)  # as _shipped_kr_verdicts: each objective with its parent
def _copies_parent(child: str, parent: str, _semantic_on: bool) -> TextVerdict | None:
    jaccard, contained, shared = similarity(child, parent)
    if len(shared) >= 2 and (jaccard >= W.CASCADE_JACCARD
                             or (contained >= W.CASCADE_CONTAINED
                                 and jaccard >= W.CASCADE_JACCARD_FLOOR)):
        quoted = _surface(clean(child), shared)
        return TextVerdict(
            "fake-cascade", f"It repeats its parent's wording (\"{quoted}\"; "
            f"{round(contained * 100)}% of its words); say what this unit will change, "
            "from its own position, that moves the parent.")
    if semantic.enabled():
        cc, cp = clean(child), clean(parent)
        if cc and cp and (cos := semantic.cosine(cc, cp)) >= semantic.CASCADE_COSINE:
            return TextVerdict(
                "fake-cascade", f"It restates its parent in other words (\"{_short(cc)}\" "
                f"means what \"{_short(cp)}\" means; similarity {cos:.2f}); say what this "
                "unit will change, from its own position, that moves the parent.")
    return None


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


_OPPOSITE_KINDS = {("increase", "decrease"), ("decrease", "increase"),
                   ("stay_above", "stay_below"), ("stay_below", "stay_above")}


def _surface(text: str, terms: set[str] | frozenset[str], limit: int = 6) -> str:
    """The words of text whose stems are in terms, as written, in order: reasons quote
    "handle time", not the stems "handl tim"."""
    out: list[str] = []
    for w in words(text):
        if stem(w) in terms and w.lower() not in out:
            out.append(w.lower())
    return " ".join(out[:limit]) or " ".join(sorted(terms)[:limit])


def overlapping_pairs(items: list[TextItem], threshold: float | None = None,
                      ) -> list[tuple[str, str, float, str]]:
    """overlap: pairs (id_a, id_b, score, reason) from different groups that pursue the
    same outcome (Jaccard similarity of stemmed content words >= threshold, default
    `textdata.OVERLAP_THRESHOLD`).

    Near-identical items form a cluster around the first of them (leader clustering), and a
    cluster is reported as a star around its leader: seventy units with one copied key
    result are 69 findings, not 2,415. Candidates come from an inverted index of terms;
    terms carried by very many items are skipped. So the work grows with the number of
    items and of similar pairs, not with the square of the items. The price: an item
    similar to a cluster member but not to its leader is not reported."""
    threshold = W.OVERLAP_THRESHOLD if threshold is None else threshold
    exact: dict[frozenset[str], list[int]] = {}
    cleaned: dict[int, str] = {}
    for i, item in enumerate(items):
        c = _clean_for_terms(item.text)
        t = frozenset(_terms(c))
        if len(t) < 2:
            continue
        if t not in exact:
            cleaned[i] = c
        exact.setdefault(t, []).append(i)
    reps = list(exact.items())
    index: dict[str, list[int]] = defaultdict(list)
    for r, (t, _members) in enumerate(reps):
        for term in t:
            index[term].append(r)
    cap = max(W.OVERLAP_MIN_POSTINGS, int(len(reps) * W.OVERLAP_MAX_SHARE))
    has_acronym = re.compile(r"\b[A-Z]{2,5}s?\b")
    assigned = [False] * len(reps)
    near: dict[int, list[tuple[int, float]]] = {}
    if semantic.enabled():   # pairs that mean the same thing in other words
        near = semantic.similar_pairs([cleaned[m[0]] for _t, m in reps],
                                      semantic.OVERLAP_COSINE)
    out: list[tuple[str, str, float, str]] = []
    for r, (ta, members) in enumerate(reps):
        if assigned[r]:
            continue
        counts: dict[int, int] = defaultdict(int)
        for term in ta:
            postings = index[term]
            if len(postings) <= cap:
                for q in postings:
                    if q > r and not assigned[q]:
                        counts[q] += 1
        ia = members[0]
        cluster = [(ia, 1.0, "")]  # the leader's own reason is never reported
        if len(members) > 1:
            reason = f'they say the same thing ("{_surface(cleaned[ia], ta)}").'
            cluster.extend((i, 1.0, reason) for i in members[1:])
        for q, n in counts.items():
            tb = reps[q][0]
            if n < 2 or n / len(ta | tb) < threshold * 0.5:
                continue
            ib = reps[q][1][0]
            xa, xb = ta, tb
            if has_acronym.search(cleaned[ia]) or has_acronym.search(cleaned[ib]):
                xa = frozenset(_acronym_expand(sorted(ta), cleaned[ia], cleaned[ib]))
                xb = frozenset(_acronym_expand(sorted(tb), cleaned[ib], cleaned[ia]))
            shared = xa & xb
            score = len(shared) / len(xa | xb)
            if score >= threshold and len(shared) >= 2:
                assigned[q] = True
                why = (f"they share {round(score * 100)}% of their words "
                       f'("{_surface(cleaned[ia], shared)}").')
                cluster.extend((i, score, why) for i in reps[q][1])
        for q, cos in near.get(r, ()):
            if assigned[q]:
                continue
            assigned[q] = True
            ib = reps[q][1][0]
            why = (f'they say the same thing in other words ("{_short(cleaned[ia])}" and '
                   f'"{_short(cleaned[ib])}"; similarity {cos:.2f}).')
            cluster.extend((i, cos, why) for i in reps[q][1])
        if len(cluster) > 1:
            out.extend(_star(items, cluster))
    return out


def _star(items: list[TextItem], cluster: list[tuple[int, float, str]]):
    """Pairs tying every item of a cluster to its leader, or, when the item is in the
    leader's own group, to the cluster's first item from another group."""
    root = items[cluster[0][0]]
    other = next((items[i] for i, _, _ in cluster if items[i].group != root.group), None)
    for i, score, reason in cluster[1:]:
        item = items[i]
        anchor = root if item.group != root.group else other
        if anchor is None or anchor.id == item.id or anchor.group == item.group:
            continue
        if (anchor.kind, item.kind) in _OPPOSITE_KINDS:
            continue
        a, b = sorted((anchor.id, item.id))
        yield a, b, round(score, 2), reason


@lru_cache(maxsize=65_536)  # a draft check reads the same stored key results again
def _direction(text: str, kind: str | None) -> tuple[str | None, str | None]:
    if kind in ("increase", "stay_above"):
        return "up", None
    if kind in ("decrease", "stay_below"):
        return "down", None
    if not W.DIRECTION_STARTS & {w[:3].lower() for w in words(text)}:
        return None, None
    for m in W.DIRECTION.finditer(text):
        word = m.group(0)
        return ("up" if stem(word) in W.UP_WORDS else "down"), word
    return None, None


_TARGET_TAIL = re.compile(r"\b(?:by|from|to|below|above|under|over|at least|at most|"
                          r"of)\s*[<>≤≥~]?\s*[\d$].*$", re.I)


@lru_cache(maxsize=65_536)  # a draft check reads the same stored key results again
def _measure(text: str) -> frozenset[str]:
    """The measure a key result moves: its words without direction words, numbers and the
    target tail ("from 30 to 45", "by 20%")."""
    text = W.DIRECTION.sub(" ", text)
    if _ANY_DIGIT.search(text):
        text = _TARGET_TAIL.sub(" ", text)
    return frozenset(s for s in _terms(text) if s not in W.MEASURE_STOP)


def contradicting_pairs(items: list[TextItem]) -> list[tuple[str, str, str]]:
    """contradiction: pairs (id_a, id_b, reason) that move the same measure in opposite
    directions, in any groups. Items are grouped by their measure (the words left once the
    direction, numbers and target are removed), so only same-measure items are compared.
    Within one measure every item is paired with the first item pulling the other way, so
    each contradicting key result is reported without n x m pairs."""
    by_measure: dict[frozenset[str], list[tuple[int, str, str | None]]] = defaultdict(list)
    for i, item in enumerate(items):
        text = _clean_for_terms(item.text)
        direction, word = _direction(text, item.kind)
        if direction is None:
            continue
        measure = _measure(text)
        if measure:
            by_measure[measure].append((i, direction, word))
    out = set()
    groups = list(by_measure.items())
    if semantic.enabled():   # measures that are one in other words
        out |= _semantic_contradictions(items, groups)
    for measure, members in groups:
        ups = [m for m in members if m[1] == "up"]
        downs = [m for m in members if m[1] == "down"]
        if not ups or not downs:
            continue
        pairs = [(ups[0], d) for d in downs] + [(u, downs[0]) for u in ups[1:]]
        for (i, _, wi), (j, _, wj) in pairs:
            a, b = items[i], items[j]
            if a.id == b.id:
                continue
            how_a = f'"{wi}"' if wi else f"a {a.kind} key result"
            how_b = f'"{wj}"' if wj else f"a {b.kind} key result"
            (ia, ha), (ib, hb) = sorted([(a.id, how_a), (b.id, how_b)])
            what = _surface(_clean_for_terms(a.text), measure)
            out.add((ia, ib, f'{ia} says {ha} and {ib} says {hb} on the same measure '
                             f'("{what}").'))
    return sorted(out)


def _measure_text(text: str) -> str:
    """The measure's words as written (direction words and the target tail removed)."""
    text = W.DIRECTION.sub(" ", text)
    if _ANY_DIGIT.search(text):
        text = _TARGET_TAIL.sub(" ", text)
    return _SPACES.sub(" ", text).strip(" .,;:-")


def _semantic_contradictions(items, groups) -> set[tuple[str, str, str]]:
    """Pairs whose measures differ in words but are one in meaning (cosine of the measure
    texts at least `semantic.MEASURE_COSINE`) and move in opposite directions: the first
    item of one measure pulling up with the first of the other pulling down."""
    texts = [_measure_text(_clean_for_terms(items[members[0][0]].text))
             for _m, members in groups]
    out = set()
    for g, near in semantic.similar_pairs(texts, semantic.MEASURE_COSINE).items():
        for h, cos in near:
            for first, second in ((g, h), (h, g)):
                ups = [m for m in groups[first][1] if m[1] == "up"]
                downs = [m for m in groups[second][1] if m[1] == "down"]
                if not ups or not downs:
                    continue
                (i, _, wi), (j, _, wj) = ups[0], downs[0]
                a, b = items[i], items[j]
                if a.id == b.id:
                    continue
                how_a = f'"{wi}"' if wi else f"a {a.kind} key result"
                how_b = f'"{wj}"' if wj else f"a {b.kind} key result"
                (ia, ha, ma), (ib, hb, mb) = sorted([(a.id, how_a, texts[first]),
                                                      (b.id, how_b, texts[second])])
                out.add((ia, ib, f'{ia} says {ha} and {ib} says {hb} on one measure in '
                                 f'other words ("{_short(ma)}" and "{_short(mb)}"; '
                                 f'similarity {cos:.2f}).'))
    return out
