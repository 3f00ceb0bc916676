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
from functools import lru_cache

from hoshin.analyzer import textdata as W
from hoshin.analyzer.textdata.stemming import stem


@dataclass(frozen=True)
class TextVerdict:
    code: str      # a SPEC §4 rule code, e.g. "output-kr"
    reason: str    # one plain sentence: why, quoting the words that triggered it, what to do


@dataclass(frozen=True)
class TextItem:
    id: str        # the item's key
    group: str     # e.g. the unit key: pairs within one group are not reported as overlap
    text: str
    kind: str | None = None   # KR kind (increase/decrease/stay_above/stay_below/milestone)


# Cleaning ----------------------------------------------------------------------------------

# A number hidden behind a placeholder: [_N<sub>0</sub>_][n0], [$L][l], [X%][x], $N, X%,
# ZZZ, [TBD]. Kept apart from clean() because a placeholder still means "there is a number".
_PLACEHOLDER_LINK = re.compile(
    r"\[\s*_?\$?(?:[A-Z]{1,3}|TBD)(?:<sub>\w+</sub>|\d+)?%?_?\s*\]\[\w*\]")
_PLACEHOLDER = re.compile(
    r"(?<![\w$])(?:\$[A-Z]\b|[A-Z]%|\$?[A-Z]\d?(?=\s*(?:%|x\b))|XXX+|YYY+|ZZZ+|NNN+|"
    r"\[\s*(?:TBD|TBC|X|N|\?+)\s*\]|\bTBD\b|\bTBC\b|\?\?+)")
_LONE_LETTER = re.compile(r"(?<![\w$'’-])[NX](?![\w'’-])")
_RESULT_NOTE = re.compile(r"\s=+>.*$", re.S)
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_REF_LINK = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_URL = re.compile(r"(?:https?://|www\.)\S+")
_HTML = re.compile(r"</?\w+[^>]*>")
_LIST_MARK = re.compile(r"^\s*(?:[-*+•]|\d+[.)]|[a-z][.)]|#+)\s+")
_EMPHASIS = re.compile(r"(\*\*|__|\*|`|~~)")
_UNDERSCORE_EMPH = re.compile(r"(?<!\w)_([^_]+)_(?!\w)")
_HANDLE = re.compile(r"(?<![\w.])@[\w.-]+")
_EMOJI = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\uFE0F\u200D]")
_SHORTCODE = re.compile(r":[a-z0-9_+-]+:")
# "CEO: ", "Sales (Closing Deals): ", "VP Marketing: ", "KR: ", "KR1: ", "Objective 1: ".
# Every word capitalised (or a joining word) so that "Hire engineers: +1" is not an owner.
_OWNER = re.compile(
    r"^(?:(?:[A-Z][\w&/.'’-]*|and|of|&|the|for|[A-Z]{1,6}\d*)(?:\s+|(?=[\s(:]))){1,5}"
    r"(?:\([^)]{1,40}\)\s*)?:\s+")
_KR_TAG = re.compile(r"^(?:KR|O|Objective|OBJECTIVE|Key Result|Goal)\s*\d*(?:\.\d+)?\s*[:.-]"
                     r"(?:\s+|$)",
                     re.I)
_SPACES = re.compile(r"\s+")


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
        if text[:1] in _LIST_START or text[:1].isdigit():
            text = _LIST_MARK.sub("", text)
        head = text[:60]
        if ":" in head or "." in head[:14] or "-" in head[:14]:
            text = _KR_TAG.sub("", text)
            if len(text) > 12 and ":" in text[:60]:
                text = _OWNER.sub("", text, count=1)
        text = text.strip()
        if text == before:
            break
    return text


_LIST_START = frozenset("-*+•#")


def _analyse(text: str) -> tuple[str, bool]:
    """(clean text, whether a placeholder stood for a number)."""
    raw = text or ""
    raw = _RESULT_NOTE.sub("", raw)
    placeholder = bool(_PLACEHOLDER_LINK.search(raw))
    raw = _PLACEHOLDER_LINK.sub(" ", raw)
    text = _strip_markup(raw)
    if _PLACEHOLDER.search(text) or _LONE_LETTER.search(text):
        placeholder = True
    text = _PLACEHOLDER.sub(" ", text)
    text = _LONE_LETTER.sub(" ", text)
    text = _strip_prefixes(_SPACES.sub(" ", text).strip())
    text = re.sub(r"\(\s*[,;]?\s*\)", "", text)
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
    return _analyse(text)[0]


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


def _starts_with_noun(text: str) -> bool:
    # "The plan for sales ..." and "Upgrades take ..." name a thing, not an action.
    first = words(text)[:1]
    return bool(first) and (first[0].lower() in W.DETERMINERS
                            or (first[0].endswith("s") and not first[0].endswith("ss")))


def _output_trigger(text: str, placeholder: bool) -> str | None:
    """The words that make a key result an activity or a deliverable, or None."""
    if _find(W.OUTCOME_SUBJECT, text) or (_find(W.OUTCOME_MEASURE, text)
                                          and (placeholder or _has_number(text)
                                               or "%" in text)):
        return None
    lead = _lead(text)
    if lead and lead[0] in W.OUTPUT_VERBS and not _starts_with_noun(text):
        first = next(w for w in words(text) if stem(w) == lead[0])
        # "Installed units on the latest firmware increase" names a measure.
        if not (first.lower().endswith("ed") and first == words(text)[0]):
            return first
    for pattern in (W.OUTPUT_PHRASE, W.DONE_STATE):
        hit = _find(pattern, text)
        if hit:
            return hit
    return None


def _unmeasurable_trigger(text: str, placeholder: bool) -> str | None:
    if not _content(text) or W.SCORE_ONLY.search(text):
        return ""
    if placeholder or _has_number(text):
        return None
    hit = _find(W.VAGUE_VERB, text) or _find(W.PERCEPTION, text)
    if hit:
        if W.PERCEPTION.search(text) and not W.VAGUE_VERB.search(text):
            quantifier = W.QUANTIFIER.search(text)
            if quantifier and quantifier.start() > W.PERCEPTION.search(text).start():
                return None
        return hit
    if _find(W.QUANTIFIER, text) or _find(W.AGAINST_PLAN, text):
        return None
    hit = _find(W.VAGUE_ADJECTIVE, text)
    if hit and not (_find(W.DONE_STATE, text) or (_lead(text) and _lead(text)[0]
                                                   in W.OUTPUT_VERBS)):
        return hit
    return None


def _bau_trigger(text: str) -> str | None:
    lead = _lead(text)
    if lead and lead[0] in W.BAU_VERBS:
        return next(w for w in words(text) if stem(w) == lead[0])
    return _find(W.BAU_PHRASE, text)


def _kpi_trigger(text: str) -> str | None:
    return _find(W.HOLD_LEVEL, text)


def kr_verdicts(title: str, *, kind: str | None = None, baseline: float | None = None,
                target: float | None = None, has_steps: bool = False) -> list[TextVerdict]:
    """Text verdicts on one key result: output-kr, bau-okr, unmeasurable-kr,
    kpi-in-disguise. kind/baseline/target are None for text-only input; when they make the
    key result measurable, unmeasurable-kr is not returned."""
    text, placeholder = _analyse(title)
    out: list[TextVerdict] = []
    if not text:
        return [TextVerdict("unmeasurable-kr", "The key result has no words once links, "
                            "placeholders and owner prefixes are removed; write what will "
                            "change and the number it should reach.")]
    hit = _output_trigger(text, placeholder)
    if hit:
        out.append(TextVerdict(
            "output-kr", f'"{hit}" describes an activity or a deliverable, not an outcome; '
            "state the result it should cause (for whom, what changes, by how much)."))
    hit = _bau_trigger(text)
    if hit:
        out.append(TextVerdict(
            "bau-okr", f'"{hit}" is routine work; keep it in the operating plan or KPIs and '
            "use the key result for what must change this quarter."))
    measurable = target is not None or has_steps
    if not measurable:
        hit = _unmeasurable_trigger(text, placeholder)
        if hit is not None:
            what = (f'"{hit}" cannot be checked at the end of the quarter' if hit else
                    f'"{text}" does not say what is measured')
            out.append(TextVerdict(
                "unmeasurable-kr", f"{what}; add a number with its baseline and target, or a "
                "verifiable done-state."))
    hit = None
    if kind in ("stay_above", "stay_below"):
        holding = baseline is None or target is None or (
            baseline >= target if kind == "stay_above" else baseline <= target)
        if holding:
            hit = (f"A {kind.replace('_', ' ')} key result"
                   + ("" if baseline is None or target is None else " already at its level"))
    else:
        hit = _kpi_trigger(text)
        hit = f'"{hit}"' if hit else None
    if hit:
        out.append(TextVerdict(
            "kpi-in-disguise", f"{hit} only holds a level; track it as a KPI and write a key "
            "result only if this quarter must move it."))
    return out


# Objectives --------------------------------------------------------------------------------


def objective_verdicts(title: str) -> list[TextVerdict]:
    """Text verdicts on one objective: vague-objective, overspecified-objective, bau-okr."""
    text, placeholder = _analyse(title)
    out: list[TextVerdict] = []
    if not text:
        return [TextVerdict("vague-objective", "The objective has no words once links and "
                            "prefixes are removed; say what should change and for whom.")]
    content = _content(text)
    concrete = [s for s in content if s not in W.GENERIC]
    lead = _lead(text)
    task = lead and lead[0] in W.TASK_VERBS and not _find(W.TASK_EXCEPT, text)
    metric = placeholder or _has_number(text)
    if task or metric:
        why = (f'"{next(w for w in words(text) if stem(w) == lead[0])}" makes it a task'
               if task else "it is a number to reach")
        out.append(TextVerdict(
            "overspecified-objective", f"The objective is really a task or a metric ({why}); "
            "put that in a key result or an initiative and say what it is for."))
    elif len(concrete) <= W.VAGUE_MAX_CONCRETE:
        generic = [w for w in words(text) if stem(w) in W.GENERIC][:3]
        quoted = ", ".join(f'"{w}"' for w in generic) or f'"{text}"'
        out.append(TextVerdict(
            "vague-objective", f"Generic words ({quoted}) with no concrete subject or "
            "direction; name who or what should change and in which direction."))
    hit = _bau_trigger(text)
    if hit:
        out.append(TextVerdict(
            "bau-okr", f'"{hit}" is routine work; keep it in the operating plan and use '
            "the objective for what must change this quarter."))
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


def _terms(text: str) -> set[str]:
    return {s for s in _content(text) if s not in W.SIMILARITY_STOP}


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
    jaccard, contained, shared = similarity(child, parent)
    if len(shared) < 2:
        return None
    if jaccard >= W.CASCADE_JACCARD or (contained >= W.CASCADE_CONTAINED
                                        and jaccard >= W.CASCADE_JACCARD_FLOOR):
        quoted = _surface(clean(child), shared)
        return TextVerdict(
            "fake-cascade", f"It repeats its parent's wording (\"{quoted}\"; "
            f"{round(contained * 100)}% of its words); say what this unit will change, "
            "from its own position, that moves the parent.")
    return None


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
        reason = f'they say the same thing ("{_surface(cleaned[ia], ta)}").'
        cluster = [(i, 1.0, reason) for i in members]
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
    for measure, members in by_measure.items():
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
