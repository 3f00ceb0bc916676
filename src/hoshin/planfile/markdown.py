"""Reads OKRs published as a Markdown page, the way companies publish them in their public
handbooks, into plain data. Pure: no Django, no database.

The structure (headings, nested lists, bold, links) comes from a real Markdown parser
(markdown-it-py); only the line conventions inside one item are read with regular
expressions:

* an objective is a list item that is bold as a whole, starts with "Objective:" or an
  "Owner: " prefix, or has items nested under it; a heading like "### 1. CTO: Title" is
  an objective too, and the list under it holds its key results;
* a key result is an item marked "KR:", "Owner KR:", "Key Result:" (bold or not), or a
  plain item nested under an objective;
* "=> result" (also "==>") ends an item with a note on how it went;
* "- @handle" or "(@handle)" at the end of an item, or an "Owner: @handle" line, names
  the owner;
* headings name departments (they become units) unless they name a role ("CEO",
  "VP Eng"), which then owns the section's objectives, or are the page's title or a
  generic heading ("Active OKRs FY24-Q2");
* lists that do not read as OKRs (process prose) and examples are reported, not guessed.

Everything not understood is returned as an `Unparsed(line_no, text, why)`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt

# Data ----------------------------------------------------------------------------------


@dataclass
class Unit:
    name: str
    parent: str | None  # the enclosing unit's name
    line: int


@dataclass
class Person:
    handle: str  # a slug: "vp-eng", "sqs"
    name: str  # as written: "VP Eng", "sqs"


@dataclass
class KeyResult:
    title: str
    owner: str | None  # the handle of a Person, or None: the objective's owner applies
    kind: str
    baseline: float | None
    target: float | None
    unit: str
    line: int
    note: str = ""  # the "=> result" text
    placeholder: str = ""  # "$N", "X%", "TBD" where a number should be
    assumptions: list[str] = field(default_factory=list)


@dataclass
class Objective:
    title: str
    owner: str | None  # handle
    unit: str | None  # the name of a Unit
    parent: int | None  # index of the parent objective in ParsedPage.objectives
    line: int
    note: str = ""
    description: str = ""  # text that did not fit in the title
    key_results: list[KeyResult] = field(default_factory=list)


@dataclass
class Unparsed:
    line_no: int
    text: str
    why: str


@dataclass
class ParsedPage:
    title: str = ""
    units: list[Unit] = field(default_factory=list)
    objectives: list[Objective] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    unparsed: list[Unparsed] = field(default_factory=list)
    skipped_paragraphs: int = 0  # prose paragraphs, quotes and code, left out on purpose

    @property
    def key_results(self) -> list[KeyResult]:
        return [kr for o in self.objectives for kr in o.key_results]


TITLE_MAX = 300  # the models' title length

# Line conventions ----------------------------------------------------------------------

_NOTE = re.compile(r"\s*(?<![<>])==?\s?>(?!=)\s*\.?\s*")
_HANDLE_END = re.compile(r"\s*(?:[-–—]\s*|\()@(?P<h>[A-Za-z0-9][A-Za-z0-9_.-]*)\)?\s*$")
_HANDLE = re.compile(r"^@(?P<h>[A-Za-z0-9][A-Za-z0-9_.-]*)$")
_NUMBERING = re.compile(r"^\s*(?:\d+(?:\.\d+)*[.)]|[A-Za-z][.)])\s+")
_KR = re.compile(r"^(?:(?P<owner>[^:]{1,40}?)\s+)?(?:KR|Key\s+Results?)\s*#?(?:\d+(?:\.\d+)*)?"
                 r"\s*[:.)–-]\s*(?P<rest>\S.*)$", re.IGNORECASE)
_OBJECTIVE = re.compile(r"^(?:(?P<owner>[^:]{1,40}?)\s+)?Objective\s*#?(?:\d+(?:\.\d+)*)?"
                        r"\s*[:.)–-]\s*(?P<rest>\S.*)$", re.IGNORECASE)
_OWNER_PREFIX = re.compile(r"^(?P<owner>[A-Z][\w&/.'’+-]*(?:\s+[\w&/.'’+-]+){0,4}"
                           r"(?:\s*\([^()]{1,40}\))?)\s*:\s+(?P<rest>\S.*)$")
_OWNER_LINE = re.compile(r"^(?:Owners?|DRI)\s*:\s*(?P<who>.+)$", re.IGNORECASE)
# Words before a colon that label a field, not a person or team.
_NOT_OWNERS = {
    "note", "notes", "nb", "example", "examples", "e.g", "eg", "i.e", "ie", "update", "updates",
    "status", "title", "description", "result", "results", "done", "why", "motivation",
    "goal", "goals", "owner", "owners", "current", "target", "progress", "metric",
    "baseline", "confidence", "date", "summary", "context", "see", "source", "link",
    "links", "tip", "warning", "important", "todo", "question", "answer", "step", "steps",
}
_ROLE = re.compile(r"^(?:C[A-Z]{1,2}O|CEO|VP\b.*|SVP\b.*|EVP\b.*|Vice President\b.*|Head of\b.*"
                   r"|Chief\b.*|Director\b.*|Founder.*|Co-?founder.*|President)$", re.IGNORECASE)
_GENERIC_HEADING = re.compile(
    r"\b(?:OKRs?|objectives?|key results?|goals?|quarter(?:ly)?|historical|archive|overview"
    r"|previous|current|active|FY\s?\d{2,4}|CY\s?\d{2,4}|Q[1-4]|H[12]|20\d\d)\b", re.IGNORECASE)
_EXAMPLE = re.compile(r"\b(?:example|hypothetical|for instance|template)\b", re.IGNORECASE)

# A link whose whole text is "$N", "M", "X%" stands for a number kept elsewhere; two
# capitals alone ("PR", "UX") are words.
_PLACEHOLDER_LINK = re.compile(r"^(?:[$€£]?[A-Z][%+]?|[$€£][A-Z]{2}|[A-Z]{2}%)$")
_PLACEHOLDER = re.compile(r"(?<![\w$€£])[$€£][A-Z](?![\w])|(?<![\w.])[XNY]%|\bTBD\b|\bTBC\b"
                          r"|\?\?\?|(?<![\w$])N(?![\w%/])")

_NUM = (r"(?P<{p}cur>[$€£])?(?P<{p}n>\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?)"
        r"(?:\s?(?P<{p}mult>[kKmMbB])(?![A-Za-z]))?"
        r"(?:\s?(?P<{p}u>%|x\b|ms\b|s\b|secs?\b|seconds?\b|mins?\b|minutes?\b|hrs?\b|hours?\b"
        r"|days?\b|weeks?\b))?")
_FROM_TO = re.compile(r"\bfrom\s+" + _NUM.format(p="a") + r"\s+to\s+" + _NUM.format(p="b"),
                      re.IGNORECASE)
_COMPARE = re.compile(r"(?P<cmp>>=|≥|>|<=|≤|<|\bunder\b|\bbelow\b|\bless than\b|\bwithin\b"
                      r"|\babove\b|\bmore than\b)\s*" + _NUM.format(p=""), re.IGNORECASE)
_TO = re.compile(r"\b(?:to|reach(?:es|ing)?|hit)\s+" + _NUM.format(p=""), re.IGNORECASE)
_BY = re.compile(r"\bby\s+" + _NUM.format(p=""), re.IGNORECASE)
_ANY = re.compile(r"(?<![\w#.:/+'’-])" + _NUM.format(p="") + r"(?![\w:/-]|\.\d)")
_DECREASE = re.compile(r"\b(?:reduce[sd]?|reducing|decrease[sd]?|cut|lower|shrink|drop"
                       r"|minimi[sz]e|fewer|less)\b", re.IGNORECASE)
_MULT = {"k": 1e3, "m": 1e6, "b": 1e9}
# A number right after these words names a thing ("Tier 1", "RFC 42"), it is not a target.
_LABEL_BEFORE = re.compile(r"(?:\btier|\brfc|\blevel|\bphase|\bversion|\bv|\bstep|\btop|\bno\."
                           r"|\bnumber|\bissue|\bweek|\bmonth|\bday|\bsprint|\bmilestone"
                           r"|\bpriority|\bseverity|\bS|\bP)\s*$", re.IGNORECASE)
_DURATION = {"ms", "s", "sec", "secs", "second", "seconds", "min", "mins", "minute", "minutes",
             "hr", "hrs", "hour", "hours", "day", "days", "week", "weeks"}


def slug(text: str) -> str:
    """'VP Eng' → 'vp-eng', 'Sales (Closing Deals)' → 'sales-closing-deals'."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "x"


def _number(m: re.Match, p: str = "") -> tuple[float, str]:
    value = float(m.group(f"{p}n").replace(",", ""))
    if mult := m.group(f"{p}mult"):
        value *= _MULT[mult.lower()]
    unit = m.group(f"{p}u") or ""
    if m.group(f"{p}cur"):
        unit = m.group(f"{p}cur")
    return value, unit.lower() if unit not in ("%",) else unit


def _is_year(value: float, unit: str) -> bool:
    return not unit and value.is_integer() and 1900 <= value <= 2100


def measure(text: str, link_texts: list[str] = ()) -> dict:
    """The measurement a key result's text states: kind, baseline, target, unit, and the
    placeholder or assumptions to tell the user about."""
    out = {"kind": "milestone", "baseline": None, "target": None, "unit": "",
           "placeholder": "", "assumptions": []}
    for t in link_texts:
        if _PLACEHOLDER_LINK.match(t.strip()):
            out["placeholder"] = t.strip()
            return out
    if m := _PLACEHOLDER.search(text):
        out["placeholder"] = m.group(0)
        return out
    decrease = bool(_DECREASE.search(text))
    if m := _FROM_TO.search(text):
        (a, ua), (b, ub) = _number(m, "a"), _number(m, "b")
        if a != b:
            out.update(kind="increase" if b > a else "decrease", baseline=a, target=b,
                       unit=ub or ua)
            return out
    if m := _COMPARE.search(text):
        value, unit = _number(m)
        below = m.group("cmp").lower() in ("<", "<=", "≤", "under", "below", "less than",
                                           "within")
        out.update(kind="stay_below" if below else "stay_above", target=value, unit=unit)
        return out
    for pattern, relative in ((_TO, False), (_BY, True), (_ANY, False)):
        for m in pattern.finditer(text):
            value, unit = _number(m)
            if _is_year(value, unit) or _LABEL_BEFORE.search(text[:m.start()]):
                continue
            if unit in _DURATION:
                # "releases take 1 hour": a duration stated alone is a ceiling to stay under.
                out.update(kind="stay_below", target=value, unit=unit)
                return out
            if decrease:
                out["assumptions"].append(
                    f"a decrease to {value:g}{unit} with no starting value: imported as a "
                    'milestone (write "from X to Y" to measure it)')
                return out
            out.update(kind="increase", baseline=0.0, target=value, unit=unit)
            out["assumptions"].append(
                f"baseline 0 assumed (the text gives {'a change of ' if relative else ''}"
                f"{value:g}{unit} but no starting value)")
            return out
    return out


# Markdown blocks -----------------------------------------------------------------------


@dataclass
class _Inline:
    plain: str  # the text with markup removed, links replaced by their text
    bold: list[bool]  # per character of plain: inside ** **
    links: list[str]
    line: int


@dataclass
class _Item:
    line: int
    end: int
    inline: _Inline | None = None
    lists: list[_List] = field(default_factory=list)


@dataclass
class _List:
    line: int
    end: int
    items: list[_Item] = field(default_factory=list)


@dataclass
class _Heading:
    level: int
    inline: _Inline


@dataclass
class _Paragraph:
    lines: list[_Inline]


def _inline_lines(token) -> list[_Inline]:
    """One _Inline per source line of an inline token (soft breaks split lines)."""
    first = token.map[0] + 1 if token.map else 0
    lines: list[_Inline] = []
    plain, bold, links, depth, link_depth, link_text = "", [], [], 0, 0, ""

    def flush():
        nonlocal plain, bold, links
        lines.append(_Inline(plain, bold, links, first + len(lines)))
        plain, bold, links = "", [], []

    for child in token.children or []:
        kind = child.type
        if kind in ("softbreak", "hardbreak"):
            flush()
        elif kind == "strong_open":
            depth += 1
        elif kind == "strong_close":
            depth = max(0, depth - 1)
        elif kind == "link_open":
            link_depth += 1
            link_text = ""
        elif kind == "link_close":
            link_depth = max(0, link_depth - 1)
            links.append(link_text)
        elif kind in ("text", "code_inline", "html_inline"):
            text = child.content if kind != "html_inline" else ""
            plain += text
            bold.extend([depth > 0] * len(text))
            if link_depth:
                link_text += text
        elif kind == "image":
            pass
    flush()
    return lines


def _join(lines: list[_Inline]) -> _Inline:
    if len(lines) == 1:
        return lines[0]
    plain, bold, links = "", [], []
    for i, line in enumerate(lines):
        if i:
            plain += " "
            bold.append(bold[-1] if bold else False)
        plain += line.plain
        bold.extend(line.bold)
        links.extend(line.links)
    return _Inline(plain, bold, links, lines[0].line)


def _blocks(text: str) -> list:
    """The page as headings, top-level paragraphs (split in lines) and list trees."""
    tokens = MarkdownIt("commonmark").parse(text)
    blocks: list = []
    lists: list[_List] = []
    items: list[_Item] = []
    quote = 0
    pending_heading = None
    for tok in tokens:
        t = tok.type
        if t == "blockquote_open":
            quote += 1
        elif t == "blockquote_close":
            quote -= 1
        elif quote:
            if t == "paragraph_open":
                blocks.append("skipped")
        elif t in ("bullet_list_open", "ordered_list_open"):
            lst = _List(tok.map[0] + 1, tok.map[1])
            if items:
                items[-1].lists.append(lst)
            else:
                blocks.append(lst)
            lists.append(lst)
        elif t in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif t == "list_item_open":
            item = _Item(tok.map[0] + 1, tok.map[1])
            lists[-1].items.append(item)
            items.append(item)
        elif t == "list_item_close":
            items.pop()
        elif t == "heading_open":
            pending_heading = int(tok.tag[1])
        elif t == "inline":
            if pending_heading is not None:
                blocks.append(_Heading(pending_heading, _join(_inline_lines(tok))))
                pending_heading = None
            elif items:
                if items[-1].inline is None and not items[-1].lists:
                    items[-1].inline = _join(_inline_lines(tok))
            else:
                blocks.append(_Paragraph(_inline_lines(tok)))
        elif t in ("fence", "code_block", "html_block") and not items:
            blocks.append("skipped")
    return blocks


def _strip_front_matter(text: str) -> str:
    """YAML front matter is not Markdown; blank it, keeping line numbers."""
    if text.startswith("---\n") or text.startswith("---\r\n"):
        end = re.search(r"^---\s*$", text[4:], re.MULTILINE)
        if end:
            head = text[:4 + end.end()]
            return "\n" * head.count("\n") + text[4 + end.end():]
    return text


# Reading the items ---------------------------------------------------------------------


@dataclass
class _Line:
    """One item or line, its markup read: what it says, who owns it, its note."""

    text: str  # without numbering, note and owner handle
    whole_bold: bool
    note: str
    handle: str | None
    links: list[str]
    line: int


def _read(inline: _Inline) -> _Line:
    plain, bold = inline.plain, inline.bold
    note = ""
    if m := _NOTE.search(plain):
        # A note is only a note when something precedes it.
        if plain[:m.start()].strip():
            note = plain[m.end():].strip()
            plain, bold = plain[:m.start()], bold[:m.start()]
    handle = None
    if m := _HANDLE_END.search(plain):
        handle = m.group("h")
        plain, bold = plain[:m.start()], bold[:m.start()]
    lead = len(plain) - len(plain.lstrip())
    plain, bold = plain[lead:], bold[lead:]
    if m := _NUMBERING.match(plain):
        plain, bold = plain[m.end():], bold[m.end():]
    visible = [b for ch, b in zip(plain, bold, strict=True) if not ch.isspace() and ch not in ":*_"]
    whole_bold = bool(visible) and all(visible)
    return _Line(plain.strip(), whole_bold, note, handle, inline.links, inline.line)


def _owner_prefix(text: str) -> tuple[str | None, str]:
    m = _OWNER_PREFIX.match(text)
    if not m:
        return None, text
    owner = m.group("owner").strip()
    if owner.lower().rstrip(".") in _NOT_OWNERS or len(owner) > 40:
        return None, text
    return owner, m.group("rest").strip()


class _Reader:
    def __init__(self) -> None:
        self.page = ParsedPage()
        self._people: dict[str, Person] = {}
        # Headings open above the current point: (level, kind, name, objective index).
        self.headings: list[tuple[int, str, str, int | None]] = []
        self.heading_units: dict[int, str] = {}  # objective index → candidate unit names
        self.candidates: list[tuple[str, str | None, int]] = []  # (name, parent, line)
        self.used: set[str] = set()  # candidate units that hold objectives
        self.context: int | None = None  # the objective a following list belongs to
        self.context_level = 0
        self.last_paragraph = ""

    # people

    def person(self, who: str | None) -> str | None:
        if not who:
            return None
        who = who.strip()
        if m := _HANDLE.match(who):
            name = m.group("h")
        else:
            name = who
        handle = slug(name)
        self._people.setdefault(handle, Person(handle, name))
        return handle

    # headings

    def section_owner(self) -> str | None:
        for _, kind, name, _ in reversed(self.headings):
            if kind == "role":
                return name
        return None

    def section_unit(self) -> str | None:
        for _, kind, name, _ in reversed(self.headings):
            if kind == "department":
                return name
        return None

    def in_example(self) -> bool:
        return any(kind == "example" for _, kind, _, _ in self.headings)

    def heading(self, block: _Heading) -> None:
        line = _read(block.inline)
        while self.headings and self.headings[-1][0] >= block.level:
            self.headings.pop()
        self.context = None
        self.last_paragraph = ""
        text = line.text.strip("# ").strip()
        if block.level == 1 and not self.page.title:
            self.page.title = text
            self.headings.append((1, "title", text, None))
            return
        if _EXAMPLE.search(text):
            self.headings.append((block.level, "example", text, None))
            return
        if m := _KR.match(text):
            self.key_result_from_text(line, m.group("rest"), m.group("owner"))
            self.headings.append((block.level, "other", text, None))
            return
        owner, title = None, None
        if m := _OBJECTIVE.match(text):
            owner, title = m.group("owner"), m.group("rest")
        else:
            owner, rest = _owner_prefix(text)
            if owner:
                title = rest
        if title:
            index = self.objective(line, title.strip(), owner, parent=None)
            self.headings.append((block.level, "objective", text, index))
            self.context, self.context_level = index, block.level
            return
        if _ROLE.match(text):
            self.headings.append((block.level, "role", text, None))
        elif _GENERIC_HEADING.search(text) or not text:
            self.headings.append((block.level, "other", text, None))
        else:
            self.candidates.append((text, self.section_unit(), line.line))
            self.headings.append((block.level, "department", text, None))

    # objectives and key results

    def objective(self, line: _Line, title: str, owner: str | None,
                  parent: int | None) -> int:
        description = ""
        if len(title) > TITLE_MAX:
            cut = title.rfind(". ", 0, TITLE_MAX)
            cut = cut + 1 if cut > 0 else TITLE_MAX - 1
            title, description = title[:cut].strip(), title[cut:].strip()
            self.page.unparsed.append(Unparsed(
                line.line, title[:80], f"objective title longer than {TITLE_MAX} characters: "
                                       "the rest went into its description"))
        owner = owner or (line.handle and f"@{line.handle}")
        if owner is None and parent is not None:
            owner_handle = None  # the parent's owner is not this objective's owner
        else:
            owner_handle = self.person(owner or self.section_owner())
        unit = self.section_unit()
        if unit:
            self.used.add(unit)
        obj = Objective(title=title, owner=owner_handle, unit=unit, parent=parent,
                        line=line.line, note=line.note, description=description)
        self.page.objectives.append(obj)
        return len(self.page.objectives) - 1

    def key_result_from_text(self, line: _Line, title: str, owner: str | None,
                             objective: int | None = None) -> None:
        objective = self.context if objective is None else objective
        if objective is None:
            self.page.unparsed.append(Unparsed(line.line, line.text,
                                               "a key result with no objective above it"))
            return
        title = title.strip()
        if len(title) > TITLE_MAX:
            self.page.unparsed.append(Unparsed(
                line.line, title[:80], f"key result title longer than {TITLE_MAX} "
                                       "characters: cut short"))
            title = title[:TITLE_MAX - 1].rstrip() + "…"
        who = owner or (line.handle and f"@{line.handle}")
        m = measure(title, line.links)
        kr = KeyResult(title=title, owner=self.person(who), kind=m["kind"],
                       baseline=m["baseline"], target=m["target"], unit=m["unit"][:40],
                       line=line.line, note=line.note, placeholder=m["placeholder"],
                       assumptions=m["assumptions"])
        if kr.placeholder:
            self.page.unparsed.append(Unparsed(
                line.line, title, f'placeholder "{kr.placeholder}" where a number should be: '
                                  "imported as a milestone with no target"))
        self.page.objectives[objective].key_results.append(kr)

    def item(self, item: _Item, parent: int) -> None:
        """An item nested under an objective (or under a heading/paragraph objective)."""
        if item.inline is None:
            for lst in item.lists:
                for child in lst.items:
                    self.item(child, parent)
            return
        line = _read(item.inline)
        if not line.text:
            return
        if m := _KR.match(line.text):
            self.key_result_from_text(line, m.group("rest"), m.group("owner"), parent)
            self.under_key_result(item)
            return
        if m := _OBJECTIVE.match(line.text):
            index = self.objective(line, m.group("rest"), m.group("owner"), parent)
        elif line.whole_bold or item.lists:
            owner, title = _owner_prefix(line.text)
            index = self.objective(line, title, owner, parent)
        else:
            owner, title = _owner_prefix(line.text)
            self.key_result_from_text(line, title, owner, parent)
            return
        for lst in item.lists:
            for child in lst.items:
                self.item(child, index)

    def under_key_result(self, item: _Item) -> None:
        for lst in item.lists:
            for child in lst.items:
                if child.inline is not None:
                    self.page.unparsed.append(Unparsed(
                        child.line, _read(child.inline).text,
                        "an item under a key result (key results have no sub-items)"))

    def okr_like(self, item: _Item) -> bool:
        if item.inline is None:
            return any(self.okr_like(c) for lst in item.lists for c in lst.items)
        line = _read(item.inline)
        return bool(line.whole_bold or _KR.match(line.text) or _OBJECTIVE.match(line.text)
                    or _owner_prefix(line.text)[0])

    def top_list(self, lst: _List) -> None:
        if self.in_example() or _EXAMPLE.search(self.last_paragraph):
            first = lst.items[0].inline if lst.items and lst.items[0].inline else None
            self.page.unparsed.append(Unparsed(
                lst.line, _read(first).text if first else "",
                f"an example (lines {lst.line}-{lst.end}), not OKRs: the text before it "
                "says so"))
            return
        if self.context is not None:
            for item in lst.items:
                self.item(item, self.context)
            return
        votes = [self.okr_like(item) for item in lst.items]
        if sum(votes) * 2 < len(votes) or not any(votes):
            first = lst.items[0].inline if lst.items and lst.items[0].inline else None
            self.page.unparsed.append(Unparsed(
                lst.line, _read(first).text if first else "",
                f"a list (lines {lst.line}-{lst.end}) that does not read as OKRs: its items "
                "have no owner prefix, bold objective or KR: marker"))
            return
        for item in lst.items:
            self.top_item(item)

    def top_item(self, item: _Item) -> None:
        if item.inline is None:
            for lst in item.lists:
                for child in lst.items:
                    self.top_item(child)
            return
        line = _read(item.inline)
        if m := _KR.match(line.text):
            self.page.unparsed.append(Unparsed(line.line, line.text,
                                               "a key result with no objective above it"))
            self.under_key_result(item)
            return
        if m := _OBJECTIVE.match(line.text):
            owner, title = m.group("owner"), m.group("rest")
        else:
            owner, title = _owner_prefix(line.text)
            if not owner and not line.whole_bold:
                self.page.unparsed.append(Unparsed(
                    line.line, line.text, "neither an objective nor a key result: no owner "
                                          "prefix, not bold, and not under an objective"))
                return
        index = self.objective(line, title, owner, parent=None)
        for lst in item.lists:
            for child in lst.items:
                self.item(child, index)

    def paragraph(self, block: _Paragraph) -> None:
        """Lines outside lists: "**Objective:** ...", "KR: ...", "Owner: @x", or prose."""
        understood = False
        for inline in block.lines:
            line = _read(inline)
            if not line.text:
                continue
            if m := _OWNER_LINE.match(line.text):
                if self.context is not None:
                    who = m.group("who").strip()
                    if not re.fullmatch(r"TBD|TBC|\?+|-|n/a", who, re.IGNORECASE):
                        self.page.objectives[self.context].owner = self.person(who)
                    else:
                        self.page.unparsed.append(Unparsed(
                            line.line, line.text, "no owner named (placeholder)"))
                    understood = True
                continue
            if m := _KR.match(line.text):
                self.key_result_from_text(line, m.group("rest"), m.group("owner"))
                understood = True
                continue
            title = owner = None
            if m := _OBJECTIVE.match(line.text):
                owner, title = m.group("owner"), m.group("rest")
            elif line.whole_bold and len(line.text) <= TITLE_MAX and not line.text.endswith(":"):
                owner, title = _owner_prefix(line.text)
            if title and not _EXAMPLE.search(title) and not self.in_example():
                index = self.objective(line, title, owner, parent=self._heading_objective())
                self.context, understood = index, True
        if not understood:
            self.page.skipped_paragraphs += 1
            self.last_paragraph = " ".join(i.plain for i in block.lines)
        else:
            self.last_paragraph = ""

    def _heading_objective(self) -> int | None:
        for _, kind, _, index in reversed(self.headings):
            if kind == "objective":
                return index
        return None

    def finish(self) -> ParsedPage:
        # A department heading is a unit when objectives sit in it or in its sub-sections.
        parents = {name: parent for name, parent, _ in self.candidates}
        keep = set()
        for name in self.used:
            while name and name not in keep:
                keep.add(name)
                name = parents.get(name)
        seen = set()
        for name, parent, line in self.candidates:
            if name in keep and name not in seen:
                seen.add(name)
                self.page.units.append(Unit(name, parent, line))
        self.page.people = list(self._people.values())
        return self.page


def parse(text: str) -> ParsedPage:
    """Read a Markdown page of OKRs."""
    reader = _Reader()
    if m := re.match(r"---\s*\n(?:.*\n)*?title:\s*(?P<t>.+)\n(?:.*\n)*?---", text):
        reader.page.title = m.group("t").strip().strip("\"'")
    for block in _blocks(_strip_front_matter(text)):
        if isinstance(block, _Heading):
            reader.heading(block)
        elif isinstance(block, _List):
            reader.top_list(block)
            reader.last_paragraph = ""
        elif isinstance(block, _Paragraph):
            reader.paragraph(block)
        else:
            reader.page.skipped_paragraphs += 1
    reader.page.unparsed.sort(key=lambda u: u.line_no)
    return reader.finish()
