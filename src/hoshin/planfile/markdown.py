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
* a plain heading with a plain list under it that reads as key results (measures, goal
  verbs, due dates; not process prose) is an objective with those key results; a plain
  nested list is objectives (top level) with key results (nested); GitHub task lists
  ("- [ ] …", "- [x] …") are lists like any other; tables are read a row an item (columns
  found by their header words, else first column objective, the others key results);
  lists indented as code (4+ spaces at the top level) are lists;
* prefixes "O:", "O1.", "Objective 1 –", "KR 1.2", "KR1.2:", "Key result:", "Key Result 2 —";
* lists that do not read as OKRs (process prose) and examples are reported, not guessed.

Numbers, dates and kinds are read by hoshin.engine.okr_text.

Everything not understood is returned as an `Unparsed(line_no, text, why)`; every other
non-blank line that is not part of an objective or key result is in `skipped` (headings,
prose, code: the page's furniture), so no line is left out without a word.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from markdown_it import MarkdownIt

from hoshin.engine.okr_text import find_due
from hoshin.engine.okr_text import measure as _measure_text

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
    due: str = ""  # "by March 31": a due date as written, never a target
    end: int = 0  # the last line of its text


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
    end: int = 0


@dataclass
class Unparsed:
    line_no: int
    text: str
    why: str
    end: int = 0  # the last line, when it stands for several (a whole list); else 0


@dataclass
class ParsedPage:
    title: str = ""
    units: list[Unit] = field(default_factory=list)
    objectives: list[Objective] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    unparsed: list[Unparsed] = field(default_factory=list)
    skipped_paragraphs: int = 0  # prose paragraphs, quotes and code, left out on purpose
    skipped: list[Unparsed] = field(default_factory=list)  # furniture lines, each listed
    items: set[int] = field(default_factory=set)  # lines of the items a reader sees
    read_lines: set[int] = field(default_factory=set)  # lines read into objectives and KRs

    @property
    def key_results(self) -> list[KeyResult]:
        return [kr for o in self.objectives for kr in o.key_results]


TITLE_MAX = 300  # the models' title length

# Line conventions ----------------------------------------------------------------------

_NOTE = re.compile(r"\s*(?<![<>])==?\s?>(?!=)\s*\.?\s*")
_HANDLE_END = re.compile(r"\s*(?:[-–—]\s*|\()@(?P<h>[A-Za-z0-9][A-Za-z0-9_.-]*)\)?\s*$")
_HANDLE = re.compile(r"^@(?P<h>[A-Za-z0-9][A-Za-z0-9_.-]*)$")
_NUMBERING = re.compile(r"^\s*(?:\d+(?:\.\d+)*[.)]|[A-Za-z][.)])\s+")
_SEP = r"(?:\s*[:.)–—-]+\s*|\s+(?=\S))"
# (A title "LunarDAO Objectives & Key Results - February 2023" names the page's OKRs: words
# before "Key Results" that say "objectives" are not an owner.)
_KR = re.compile(r"^(?:(?P<owner>(?:(?!objectives?\b)[^:]){1,40}?)\s+)?(?:KR|Key\s+Results?)"
                 r"(?:\s*#?\s*(?:\d+(?:\.\d+)*|[A-Z]\d+(?:\.\d+)*)(?:" + _SEP + r")"
                 r"|\s*[:.)–—-]+\s*)(?P<rest>\S.*)$", re.IGNORECASE)
# An objective's marker: "Objective:", "Objective 1 –", "O2.", "Obj 3:", and an OKR's id
# ("OKR 1:", "OKR#2 -", "OKR '2022.C1':").
_OKR_ID = r"OKR\s*#?\s*['\"‘’`]?(?:\d{2,4}\.[A-Z]{1,3}\d{1,2}|\d+(?:\.\d+)*)['\"‘’`]?"
_OBJECTIVE_RE = re.compile(
    r"^(?:(?P<owner>[^:]{1,40}?)\s+)?(?:(?:Objective|Obj\.?|O(?=\s*\d|\s*[:)]))"
    r"(?:\s*#?\s*\d+(?:\.\d+)*(?:" + _SEP + r")|\s*[:.)–—-]+\s*)"
    r"|" + _OKR_ID + r"\s*[:.)–—-]+\s*)(?P<rest>\S.*)$", re.IGNORECASE)
# Words before "objective:" that say it is not one of the page's objectives ("Possible
# objective: …", "Example objective: …"): a qualifier, not an owner.
_NOT_AN_OBJECTIVE = re.compile(r"^(?:possible|potential|candidate|alternative|example|sample"
                               r"|hypothetical|rejected|former|old)$", re.IGNORECASE)


class _ObjectiveMarker:
    """`_OBJECTIVE.match(text)`: the objective's marker, unless a qualifier before it says
    the line is not one of the page's objectives."""

    @staticmethod
    def match(text: str):
        m = _OBJECTIVE_RE.match(text)
        if m and m.group("owner") and _NOT_AN_OBJECTIVE.match(m.group("owner").strip("*_ ")):
            return None
        return m


_OBJECTIVE = _ObjectiveMarker()
# "Objective 1" alone (its title on the heading, nothing after); "OKR#1" alone (its
# statement on the next line).
_OBJECTIVE_ALONE = re.compile(r"^(?:Objective|O|OKR|Goal)\s*#?\s*\d+(?:\.\d+)*\s*[:.]?$"
                             r"|^Objective\s*:?$", re.IGNORECASE)
_LETTER_ENUM = re.compile(r"^(?P<n>[A-Z])\.\s+(?P<rest>[A-Z]\S*\s.*)$")
_SUB_ENUM = re.compile(r"^(?:(?:i|ii|iii|iv|v|vi|vii|viii|ix|x)(?:[.)]\s*|\s+)(?=[A-Z0-9])"
                       r"|[a-z][.)]\s+|\d{1,2}[.)]\s*(?=[^\W\d_]|[@>#<~$€£]))(?P<rest>\S.*)$")
# "WE1: Contributor experience": an objective named by a code of capitals and a number
# (not a quarter or year: "Q3:", "FY24:", nor a priority: "P0:").
_CODE_LABEL = re.compile(r"^(?!(?:Q|H|FY|CY|KR|O|P)\d)(?P<n>[A-Z]{1,4}\d{1,2}(?:\.\d+)?):\s+"
                         r"(?P<rest>\S.*)$")
_TASK = re.compile(r"^\[(?P<x>[ xX])\]\s+")
# A priority written before the text: "[P0] …", "P1 - …", "(P2) …"; and a handle before it:
# "P0 - @ana - …", "@ana: …".
_PRIORITY = re.compile(r"^(?:\[(?P<a>P\d|P\?)\]|\((?P<b>P\d)\)|(?P<c>P\d(?:/\d)?)\s*[-–—:])\s*",
                       re.IGNORECASE)
# A grade written after the priority ("P0: 1.0: …", "P1: (0.5 -- PR outstanding) …",
# "P2: (?.?) …") or at the end of the text ("… -- (0.9)", "… (1)"): OKRs are graded from 0
# to 1, so the number is how it went, never a target.
_SCORE = r"(?:0|1|[01]?\.\d{1,2}|\?\.\?)"
_SCORE_START = re.compile(r"^(?:\((?P<a>" + _SCORE + r")(?:\s*(?:--?|–|—|,|;)\s*(?P<r>[^()]*))?\)"
                          r"|(?P<b>" + _SCORE + r")\s*:)\s+")
_SCORE_END = re.compile(r"\s*(?:--?|–|—)?\s*\((?P<a>" + _SCORE + r")\)\s*$")
# An item's type written in brackets before it: "[Objective] …", "[KeyResult] …", "[Ket
# Result] …" (a typo kept on a real page), "[Activity] …".
_TYPE_TAG = re.compile(r"^\[(?P<t>objectives?|ke[yt]\s*results?|krs?|activit(?:y|ies)|initiatives?"
                       r"|tasks?|actions?|action items?|to-?dos?)\]\s*:?\s*", re.IGNORECASE)
# Items labelled as work rather than results: "Activity: …", "Initiative: …", "AI: …" (an
# action item): listed as not understood, never a key result.
_ACTIVITY = re.compile(r"^(?:(?i:activit(?:y|ies)|initiatives?|tasks?|actions?|action items?"
                       r"|to-?dos?)|AI)\s*(?::\s*|$)")
# A list item that only says what the text after it is ("1. **Key Result**" then, in the
# next paragraph, "Raise 150K USD …": a page exported from a notes tool).
_LABEL_ALONE = re.compile(r"^(?:key\s*results?|krs?|objectives?)\s*#?\s*\d*\s*:?$", re.IGNORECASE)
_HANDLE_START = re.compile(r"^@(?P<h>[A-Za-z0-9][A-Za-z0-9_.-]*)\s*[-–—:]\s+")
# Tags written after the text: "[P0][DP]", "[p1]", "(ewd)": priorities and team codes.
_TAGS_END = re.compile(r"(?:\s*(?:\[[A-Za-z0-9?+ ]{1,12}\]|\((?:[a-z]{1,5}|P\d)\)))+\s*$")
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
    "why it matters", "how", "what", "when", "where", "impact", "rationale", "background",
    "measure", "measured by", "deadline", "due", "timeline", "key result", "key results",
    "objective", "objectives", "kr", "krs", "o", "ii", "iii", "iv", "vi", "vii", "viii", "ix",
    "comment", "comments", "outcome", "outcomes", "deliverable", "deliverables",
    "activity", "activities", "initiative", "initiatives", "task", "tasks", "action",
    "actions", "action item", "action items", "todo", "to-do", "mission", "vision",
    "purpose",
}
_ROLE = re.compile(r"^(?:C[A-Z]{1,2}O|CEO|VP\b.*|SVP\b.*|EVP\b.*|Vice President\b.*|Head of\b.*"
                   r"|Chief\b.*|Director\b.*|Founder.*|Co-?founder.*|President)$", re.IGNORECASE)
_GENERIC_HEADING = re.compile(
    r"\b(?:OKRs?|objectives?|key results?|goals?|quarter(?:ly)?|yearly|annual|monthly|future"
    r"|backlog|historical|archive|overview"
    r"|previous|current|active|FY\s?\d{2,4}|CY\s?\d{2,4}|Q[1-4]|H[12]|20\d\d)\b", re.IGNORECASE)
_EXAMPLE = re.compile(r"\b(?:example|hypothetical|for instance|template)\b", re.IGNORECASE)

def slug(text: str) -> str:
    """'VP Eng' → 'vp-eng', 'Sales (Closing Deals)' → 'sales-closing-deals'."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "x"


def measure(text: str, link_texts: list[str] = ()) -> dict:
    """The measurement a key result's text states (see hoshin.engine.okr_text.measure)."""
    return _measure_text(text, link_texts)


# Markdown blocks -----------------------------------------------------------------------


@dataclass
class _Inline:
    plain: str  # the text with markup removed, links replaced by their text
    bold: list[bool]  # per character of plain: inside ** **
    links: list[str]
    line: int
    last: int = 0  # the last source line of the text

    def __post_init__(self):
        self.last = max(self.last, self.line)


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


@dataclass
class _Table:
    line: int
    end: int
    header: list[_Inline]
    rows: list[tuple[int, list[_Inline]]]  # (line, cells)


def _inline_lines(token, br: bool = False) -> list[_Inline]:
    """One _Inline per source line of an inline token (soft breaks split lines; with `br`
    an HTML <br> does too, as in table cells)."""
    first = token.map[0] + 1 if token.map else 0
    lines: list[_Inline] = []
    plain, bold, links, depth, link_depth, link_text = "", [], [], 0, 0, ""
    offset = 0

    def flush(same_line: bool = False):
        nonlocal plain, bold, links, offset
        lines.append(_Inline(plain, bold, links, first + len(lines) - offset))
        if same_line:
            offset += 1
        plain, bold, links = "", [], []

    for child in token.children or []:
        kind = child.type
        if kind in ("softbreak", "hardbreak"):
            flush()
        elif kind == "html_inline" and br and re.fullmatch(r"<br\s*/?>", child.content.strip(),
                                                           re.IGNORECASE):
            flush(same_line=True)
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
    return _Inline(plain, bold, links, lines[0].line, lines[-1].line)


def _line_items(block: _Paragraph, source: list[str]) -> list[_Inline]:
    """The items of a paragraph written as lines of text: each line is one, except a line
    that continues the line above (indented, or starting in lower case: a wrapped line)."""
    groups: list[list[_Inline]] = []
    for inline in block.lines:
        raw = source[inline.line - 1] if 0 < inline.line <= len(source) else ""
        text = inline.plain.strip()
        if groups and (raw[:1].isspace() or text[:1].islower()):
            groups[-1].append(inline)
        else:
            groups.append([inline])
    return [_join(group) for group in groups]


_LIST_LINE = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+\S|^\s*-(?=[^\W\d_])")
_KR_LINE = re.compile(r"^\s*(?:KR|Key results?)\s*#?\s*\d+(?:\.\d+)*\s*[:.)–—-]", re.IGNORECASE)


def _dedent_code_lists(text: str, tokens) -> str | None:
    """Lists indented as code at the top level (4+ spaces): the text with them dedented,
    or None when there are none. Line numbers are kept. Right after a list item, such a
    list is nested under that item (its items were indented further than the item's text,
    "  1. Raise $7M" then "    1. Raise $4M": meant as its key results)."""
    lines = text.split("\n")
    changed = False
    previous = None
    for tok in tokens:
        if tok.type in ("bullet_list_close", "ordered_list_close") and tok.level == 0:
            previous = tok
            continue
        after_list, previous = previous, None if tok.type != "code_block" else previous
        if tok.type != "code_block" or tok.level != 0 or not tok.map:
            continue
        block = lines[tok.map[0]:tok.map[1]]
        body = [ln for ln in block if ln.strip()]
        marked = all(_KR_LINE.match(ln) for ln in body)  # "    KR1: …" lines
        if not body or not marked and (
                sum(bool(_LIST_LINE.match(ln)) for ln in body) * 2 < len(body)
                or not _LIST_LINE.match(body[0])):
            continue
        indent = min(len(ln) - len(ln.lstrip()) for ln in body)
        under = ""
        if after_list is not None and not marked:
            item = next((ln for ln in reversed(lines[:tok.map[0]]) if ln.strip()), "")
            if m := re.match(r"^(\s*(?:[-*+]|\d{1,3}[.)])\s+)", item):
                under = " " * len(m.group(1))  # nested under the item above
        for i in range(tok.map[0], tok.map[1]):
            line = under + lines[i][indent:] if lines[i].strip() else ""
            if re.match(r"^\s*-(?=[^\W\d_])", line):
                line = line.replace("-", "- ", 1)  # "-users can …": a list item
            if marked and line.strip() and i + 1 < tok.map[1] and lines[i + 1].strip():
                line += "  "  # each "KR1: …" line stays a line of its own
            lines[i] = line
        changed = True
    return "\n".join(lines) if changed else None


def _lazy_objective(lines: list[_Inline], source: list[str]) -> int:
    """Where a list item's text stops when lines of it that are not indented (a lazy
    continuation) start an objective ("Objective 2: …"): the index of the first such line,
    or 0."""
    lazy = [i for i, ln in enumerate(lines) if i and 0 < ln.line <= len(source)
            and source[ln.line - 1][:1].strip()]
    for i in lazy:
        if _OBJECTIVE.match(_read(lines[i]).text):
            return next(j for j in lazy if j <= i)
    return 0


def _blocks(text: str, kinds: dict[int, str]) -> list:
    """The page as headings, top-level paragraphs (split in lines), list trees and tables.
    `kinds` gets the kind of block each source line is in (for the skipped lines)."""
    parser = MarkdownIt("commonmark").enable("table")
    tokens = parser.parse(text)
    dedented = _dedent_code_lists(text, tokens)
    if dedented is not None:
        tokens = parser.parse(dedented)
    source = (dedented if dedented is not None else text).split("\n")
    blocks: list = []
    lists: list[_List] = []
    items: list[_Item] = []
    quote = 0
    pending_heading = None
    last_level = 1
    table: _Table | None = None
    row: list[_Inline] | None = None
    in_head = False

    def mark(tok, kind):
        if tok.map:
            for n in range(tok.map[0] + 1, tok.map[1] + 1):
                kinds.setdefault(n, kind)

    for tok in tokens:
        t = tok.type
        if t == "blockquote_open":
            mark(tok, "quote")
            quote += 1
        elif t == "blockquote_close":
            quote -= 1
        elif quote:
            if t == "paragraph_open":
                blocks.append("skipped")
        elif t == "table_open":
            mark(tok, "table")
            table = _Table(tok.map[0] + 1, tok.map[1], [], [])
            if not items:
                blocks.append(table)
        elif t == "table_close":
            table = None
        elif t == "thead_open":
            in_head = True
        elif t == "thead_close":
            in_head = False
        elif t == "tr_open":
            row = []
            if table is not None and not in_head:
                table.rows.append((tok.map[0] + 1 if tok.map else table.line, row))
        elif t == "tr_close":
            if table is not None and in_head:
                table.header = row or []
            row = None
        elif t in ("bullet_list_open", "ordered_list_open"):
            mark(tok, "list")
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
            mark(tok, "heading")
            pending_heading = last_level = int(tok.tag[1])
        elif t == "inline":
            if row is not None:
                lines = _inline_lines(tok, br=True)
                cell = _join(lines) if len(lines) == 1 else lines
                row.append(cell if isinstance(cell, _Inline) else _Cell(cell))
            elif pending_heading is not None:
                blocks.append(_Heading(pending_heading, _join(_inline_lines(tok))))
                pending_heading = None
            elif items:
                if items[-1].inline is None and not items[-1].lists:
                    lines = _inline_lines(tok)
                    cut = _lazy_objective(lines, source) if len(lists) == 1 else 0
                    if cut:
                        # "- Key result 4: …" then, unindented, "9 Month" and "Objective 2: …":
                        # lines the list item swallowed (lazy continuation) that start the
                        # next objective. They are a paragraph; the list goes on after it.
                        items[-1].inline = _join(lines[:cut])
                        blocks.append(_Paragraph(lines[cut:]))
                        rest = _List(lines[-1].line + 1, lists[-1].end)
                        blocks.append(rest)
                        lists[-1] = rest
                    else:
                        items[-1].inline = _join(lines)
            else:
                blocks.append(_Paragraph(_inline_lines(tok)))
        elif t == "paragraph_open":
            mark(tok, "paragraph")
        elif t in ("fence", "code_block"):
            mark(tok, "code")
            if not items:
                blocks.append("skipped")
        elif t == "html_block":
            mark(tok, "html")
            summary = re.search(r"<summary>\s*(?P<t>[^<]*?)\s*</summary>", tok.content, re.I)
            if not items and summary and summary.group("t") and tok.map:
                # A collapsible section (<details><summary>Title</summary>) is a heading one
                # level below the heading above it.
                n = tok.map[0] + 1 + tok.content[:summary.start()].count("\n")
                title = summary.group("t")
                blocks.append(_Heading(last_level + 1, _Inline(title, [False] * len(title),
                                                               [], n)))
            elif not items:
                blocks.append(_Html.of(tok))
        elif t == "hr":
            mark(tok, "rule")
    return blocks


class _Html(str):
    """An HTML block (skipped, equal to "skipped") with the lines of text inside it: a
    callout (<aside>💡 To create …) can state an objective."""

    lines: list[_Inline]

    @classmethod
    def of(cls, tok) -> _Html:
        block = cls("skipped")
        block.lines = []
        first = tok.map[0] + 1 if tok.map else 0
        for n, raw in enumerate(tok.content.split("\n")):
            text = re.sub(r"<[^>]*>", "", raw).strip()
            if text and first:
                block.lines.append(_Inline(text, [False] * len(text), [], first + n))
        return block


class _Cell(_Inline):
    """A table cell with several lines (<br>): `parts` holds them."""

    def __init__(self, parts: list[_Inline]):
        joined = _join(parts)
        super().__init__(joined.plain, joined.bold, joined.links, joined.line, joined.last)
        self.parts = parts


def _strip_front_matter(text: str) -> tuple[str, int]:
    """YAML front matter is not Markdown; blank it, keeping line numbers. Also returns the
    number of lines it took."""
    if text.startswith("---\n") or text.startswith("---\r\n"):
        end = re.search(r"^---\s*$", text[4:], re.MULTILINE)
        if end:
            head = text[:4 + end.end()]
            return "\n" * head.count("\n") + text[4 + end.end():], head.count("\n") + 1
    return text, 0


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
    last: int = 0


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
    if m := _TASK.match(plain):
        # GitHub task lists: "- [x] …" is done, "- [ ] …" is not.
        if m.group("x").lower() == "x" and not note:
            note = "done"
        plain, bold = plain[m.end():], bold[m.end():]
    if m := _NUMBERING.match(plain):
        plain, bold = plain[m.end():], bold[m.end():]
    if m := _TYPE_TAG.match(plain):
        # "[Objective] …", "[Key Result] …", "[Activity] …": the item's type in brackets,
        # read as the same word with a colon ("Objective: …").
        word = m.group("t")
        label = ("Objective" if re.match(r"obj", word, re.IGNORECASE) else "Key result"
                 if re.match(r"ke|kr", word, re.IGNORECASE) else word.strip())
        head = f"{label}: "
        plain, bold = head + plain[m.end():], [bool(bold[m.start()])] * len(head) + bold[m.end():]
    if m := _PRIORITY.match(plain):
        priority = (m.group("a") or m.group("b") or m.group("c")).upper()
        note = note or f"priority {priority}"
        plain, bold = plain[m.end():], bold[m.end():]
        if sc := _SCORE_START.match(plain):
            remark = (sc.group("r") or "").strip()
            note += f", score {sc.group('a') or sc.group('b')}" + (f" ({remark})" if remark
                                                                    else "")
            plain, bold = plain[sc.end():], bold[sc.end():]
        if not handle and (h := _HANDLE_START.match(plain)):
            handle = h.group("h")
            plain, bold = plain[h.end():], bold[h.end():]
    elif not handle and (h := _HANDLE_START.match(plain)):
        handle = h.group("h")
        plain, bold = plain[h.end():], bold[h.end():]
    if (sc := _SCORE_END.search(plain)) and plain[:sc.start()].strip():
        note = (f"{note}, " if note else "") + f"score {sc.group('a')}"
        plain, bold = plain[:sc.start()], bold[:sc.start()]
    visible = [b for ch, b in zip(plain, bold, strict=True) if not ch.isspace() and ch not in ":*_"]
    whole_bold = bool(visible) and all(visible)
    return _Line(plain.strip(), whole_bold, note, handle, inline.links, inline.line,
                 inline.last)


def _owner_prefix(text: str) -> tuple[str | None, str]:
    m = _OWNER_PREFIX.match(text)
    if not m:
        return None, text
    owner = m.group("owner").strip()
    low = owner.lower().rstrip(".")
    # A single letter or a roman numeral is an enumeration ("A:", "**B)**"), not a person;
    # "OKR '2022.C1':", "Objective 2:", "Goal 3:" are labels.
    if low in _NOT_OWNERS or len(owner) > 40 or len(low) == 1 or re.fullmatch(r"[ivx]+", low) \
            or re.match(r"(?:okrs?|objectives?|goals?|key results?|krs?)\b", low) \
            or re.search(r"\b(?:okrs?|objectives?|goals?|key results?|krs?)$", low) \
            or re.fullmatch(r"(?:alternative|option|step|phase|scenario|proposal|idea|approach"
                            r"|part|section|stage)\s*#?\s*\d+", low):
        # "Possible objective:", "Stretch goal:", "Alternative 1:", "Option 2:" are labels.
        return None, text
    return owner, m.group("rest").strip()


# What a plain item reads as: a key result (a measure, a due date, a goal verb, a state
# reached), process prose (advice, questions, conditions, several sentences), or neither.
_GOAL_VERB = re.compile(
    r"^(?:increase|decrease|reduce|grow|launch|ship|release|deliver|publish|achieve|reach"
    r"|hire|complete|implement|build|create|improve|migrate|establish|define|document|double"
    r"|triple|halve|cut|lower|raise|expand|onboard|sign|close|run|host|hold|develop|design"
    r"|deploy|introduce|automate|add|get|win|secure|attract|recruit|train|enable|upgrade"
    r"|replace|consolidate|standardi[sz]e|redesign|rewrite|refactor|retire|deprecate|remove"
    r"|eliminate|fix|resolve|maintain|keep|translate|integrate|finali[sz]e|adopt|roll out"
    r"|validate|pilot|measure|conduct|organi[sz]e|produce|prepare|submit|obtain|attain"
    r"|generate|drive|convert|retain|engage|boost|accelerate|minimi[sz]e|maximi[sz]e|support"
    r"|partner|identify|form|make|finish|start|begin|set up|setup|open|provide|offer|land"
    r"|earn|raise|save|spend|lead|ensure|deliver|stabili[sz]e|scale|simplify|streamline"
    r"|modernize|modernise|transition|move|switch|port|collect|gather|survey|interview"
    r"|invest|fund|audit|review|assess|evaluate|analy[sz]e|benchmark|optimi[sz]e|harden"
    r"|secure|protect|comply|certify|pass|reach|exceed|sustain|stay|remain|have|be"
    r"|participate|send|attend|contribute|invite|schedule|apply|record|share|write|draft"
    r"|incorporate|configure|propose|select|solicit|dedicate|post|present|speak|teach"
    r"|mentor|coach|recruit|sponsor|merge|sync|test|verify|confirm|assign|allocate)\b",
    re.IGNORECASE)
_STATE = re.compile(r"\b(?:\w+ed|built|done|shipped|live|released|launched|deployed|written"
                    r"|complete|completed|in place|available|on track|published|merged"
                    r"|adopted|delivered|documented|signed|closed|approved|funded)\s*\.?$",
                    re.IGNORECASE)
_PROSE_WORDS = re.compile(r"\b(?:you|your|you're|yours|should|please|must|e\.g|i\.e|for example"
                          r"|for instance|make sure|note that|click|refer to|feel free|let us"
                          r"|let's|we will|we'll|we use|we do|we don't|don't)\b", re.IGNORECASE)
_PROSE_START = re.compile(r"^(?:if|when|for|see|use|note|please|once|after|while|since"
                          r"|because|although|though|in order|how|what|why|where|who|which"
                          r"|you|they|it|this|these|those|there|here|such|so|then|also|but"
                          r"|and|or|otherwise|example|e\.g|i\.e|read|click|check out|visit"
                          r"|join|ask|contact|email|go to|find|learn|watch)\b", re.IGNORECASE)


def _kind_of_text(text: str) -> str:
    """'kr', 'prose' or 'plain' (no sign either way)."""
    text = _TAGS_END.sub("", text.strip()).strip().strip("`").strip()
    if not text:
        return "plain"
    words = len(text.split())
    sentences = len(re.findall(r"[.!?]\s+[A-Z]", text))
    if (text.endswith((":", "?")) or _PROSE_WORDS.search(re.sub(r"\([^()]*\)", "", text)) or _PROSE_START.match(text)
            or words > 45 or sentences >= 2):
        return "prose"
    m = measure(text)
    if m["kind"] != "milestone" or m["due"] or m["placeholder"]:
        return "kr"
    if _GOAL_VERB.match(text) or (_STATE.search(text) and words >= 2):
        return "kr"
    return "plain"


def _reads_as_key_results(texts: list[str], lenient: bool = False) -> bool:
    """Whether a plain list (or a table column) reads as key results, not prose. With
    `lenient`, a third of them reading as key results is enough."""
    kinds = [_kind_of_text(t) for t in texts if t.strip()]
    if not kinds:
        return False
    prose, kr = kinds.count("prose"), kinds.count("kr")
    return prose * 3 <= len(kinds) and kr * (3 if lenient else 2) >= len(kinds)


# Headings that only label the page's OKRs: their list holds objectives ("## Objectives",
# "## Q3 OKRs", "## Our goals"), or key results ("### Key results").
_OBJECTIVES_LABEL = re.compile(
    r"^(?:(?:our|the|team|company|\w+'s|quarterly|annual|current|active|top|main|key"
    r"|(?:FY|CY)\s?'?\d{2,4}|Q[1-4]|H[12]|20\d\d|\d{4}[-/]\d{2,4}|[-–—:/,&]|for|of|and|in)\s+)*"
    r"(?:OKRs?|objectives?|goals?|priorities|objectives and key results|goals and "
    r"(?:key results|metrics))(?:\s+(?:for|in|of)?\s*(?:(?:FY|CY)\s?'?\d{2,4}|Q[1-4]|H[12]"
    r"|20\d\d|\d{4}[-/]\d{2,4}|the quarter|the year|this quarter|this year|[-–—:/,&]|and)"
    r")*\s*:?$", re.IGNORECASE)
_KEY_RESULTS_LABEL = re.compile(r"^(?:the\s+|our\s+|['\"‘’`][\w.]{1,12}['\"‘’`]\s+)?"
                                r"(?:key\s+results?|KRs?|measures? of "
                                r"success|success (?:metrics|measures|criteria)|how we(?:'ll| will)"
                                r" measure(?: it| success)?|metrics|measures)"
                                r"(?:\s+(?:for|in)\s+(?:the\s+)?(?:season|quarter|year|half"
                                r"|sprint|cycle|period|Q[1-4]|H[12]|(?:FY|CY)?\s?'?\d{2,4})"
                                r"[\s\d'-]*)?\s*:?$",
                                re.IGNORECASE)
# Headings that are the page's furniture, never an objective or a unit.
_FURNITURE = re.compile(
    r"^(?:how|why|what|when|who|where)\b|\b(?:process|guidelines?|scoring|grading|timeline|kick-?off"
    r"|status|retro(?:spective|spection)?|resources?|links?|faq|tracking|entering|template"
    r"|introduction|intro|background|overview|about|contents|notes?|glossary|definitions?"
    r"|principles?|values|cadence|schedule|format|tips|contact|references?|related|see also"
    r"|appendix|changelog|history|summary|instructions|guidance|roles|responsibilities"
    r"|meetings?|reviews?|calendar|methodology|approach|purpose|context|mission|vision"
    r"|strategy|table of contents|toc|license|acknowledg\w*|credits|further reading"
    r"|reading|next steps|questions|updates?|news|feedback|help|support|getting started"
    r"|conventions|alignment|examples?|hypothetical|time\s?frames?|initiatives?|risks?"
    r"|dependencies|assumptions|non-goals|out of scope|consequences|footnotes|decisions?"
    r"|activit(?:y|ies)|duties|tasks"
    # the same in Korean: strategy, tasks, schedule, feedback, background, progress, status
    r"|전략|과제|일정|피드백|배경|진행\s?상황|현재\s?상황|참고|회의)\b"
    r"|\?$",
    re.IGNORECASE)
# Headings of work kept out of the OKRs: "Other work not captured in OKRs", "Non-OKR work".
_NOT_OKRS = re.compile(r"\bnot (?:\w+ )?(?:in|captured in|part of|covered by|tracked in)"
                       r" (?:the |our )?OKRs\b|\bnon-?OKRs?\b|\boutside (?:the |our )?OKRs\b",
                       re.IGNORECASE)

_TABLE_OBJECTIVE = re.compile(r"\bobjectives?\b|^o$|^okrs?$|^goals?$|\bthemes?\b|\bpriorit"
                              r"(?:y|ies)\b|\baims?\b|\bpillars?\b", re.IGNORECASE)
_TABLE_KR = re.compile(r"key\s*results?|^krs?\b|\bresults?\b|\bmeasures?\b|\bmetrics?\b"
                       r"|\bindicators?\b|\bkpis?\b|\bmilestones?\b|\boutcomes?\b"
                       r"|\bdeliverables?\b|\bsuccess criteria\b|\bmeasure of success\b",
                       re.IGNORECASE)
_TABLE_OWNER = re.compile(r"\bowners?\b|\bdri\b|\bleads?\b|\bresponsible\b|^who$|\bassignees?\b"
                          r"|\baccountable\b|\bchampions?\b|\bteams?\b|\bpoint person\b",
                          re.IGNORECASE)
_TABLE_TARGET = re.compile(r"\btargets?\b|\bgoal value\b|^to$|\btarget value\b|\bend value\b",
                           re.IGNORECASE)
_TABLE_BASELINE = re.compile(r"\bbaseline\b|\bstart(?:ing)?(?: value| point)?\b|^from$"
                             r"|\bcurrent\b|\btoday\b", re.IGNORECASE)
_TABLE_DUE = re.compile(r"\bdue\b|\bdeadline\b|\bdates?\b|\bby when\b|^when$|\btimeline\b"
                        r"|\btiming\b|\bquarter\b|\bfinish\b", re.IGNORECASE)
_TABLE_IGNORE = re.compile(r"\bstatus\b|\bprogress\b|\bscores?\b|\bgrades?\b|\bnotes?\b"
                           r"|\bcomments?\b|^#$|^no\.?$|^id$|\blinks?\b|\bconfidence\b"
                           r"|\bupdates?\b|\bhealth\b|\brag\b|\bpercent complete\b"
                           r"|\bactual\b|\bresult to date\b", re.IGNORECASE)


_LABEL_FILLER = re.compile(
    r"\b(?:our|the|team|teams|company|quarter(?:ly)?|annual|yearly|current|active|top|main"
    r"|key|to|from|for|of|and|in|this|next|q[1-4]|h[12]|(?:fy|cy)\s?'?\d{2,4}|\d+|first"
    r"|second|third|fourth|jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?"
    r"|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|year|half)\b"
    r"|[-–—:/,&()'’.]", re.IGNORECASE)


def _labels_objectives(text: str) -> bool:
    """A heading that only labels objectives: "Objectives", "Q3 OKRs", "Quarter 4, January
    to March 2019 objectives"."""
    if _OBJECTIVES_LABEL.match(text):
        return True
    rest = _LABEL_FILLER.sub(" ", text).split()
    return bool(rest) and len(rest) <= 2 and all(
        w.lower() in ("okr", "okrs", "objectives", "objective", "goals", "priorities")
        for w in rest)


# "(a) …", "(1) …", "(iv) …": enumerated lines written as text, not as a Markdown list.
_PAREN_ENUM = re.compile(r"^\((?:\d{1,2}|[a-z]|[ivx]{1,4})\)\s+(?P<rest>\S.*)$")
# "Finish the DAO structure 1. Finished tokenomics v2": an objective and its first numbered
# key result on one line (a table or an outline flattened when copied as text).
_ROW_START = re.compile(r"^(?P<o>[^\W\d_][^:]{2,150}?)\s+1[.)]\s+(?P<k>\S.*)$")
# A line naming the goals or OKRs listed in the lines after it: "Tentative/proposed H1 2022
# grants goals", "In terms of specific OKRs for Q1".
_GOALS_LINE = re.compile(r"^(?:[\w/'’&-]+\s+){0,7}(?:goals|objectives|OKRs)(?:\s+for\s+[\w-]+"
                         r"(?:\s+[\w-]+)?)?$", re.IGNORECASE)
# A line that labels the list after it as notes, not OKRs: "Notes:", "Risks:", "Open questions:".
_NOTES_LABEL = re.compile(r"^(?:other|more|additional|open|general|some)?\s*(?:notes?|comments?"
                          r"|remarks?|risks?|caveats?|questions?|ideas?|links?|resources?"
                          r"|references?|background|context|learnings?|lessons(?: learned)?"
                          r"|dependencies|assumptions)\s*:$", re.IGNORECASE)
_INTRO_OBJECTIVES = re.compile(r"\b(?:objectives|goals|OKRs|priorities)\b", re.IGNORECASE)
_INTRO_KEY_RESULTS = re.compile(r"\bkey results?\b|\bKRs?\b", re.IGNORECASE)


def _introduces(text: str) -> str:
    """What a sentence says the list after it holds: 'objectives' ("… our three objectives
    are:", "Below are the proposed annual objectives for FY24:", "These are the goals for
    …"), 'key results', or '' (it does not say, or says both)."""
    text = re.split(r"(?<=[.!?])\s+(?=[A-Z])", text.strip())[-1]  # its last sentence
    text = re.sub(r"`[^`]*`", " ", text)  # code: "the label `OKR 2022.M1`:"
    if not (text.endswith(":") or re.match(r"^(?:these|here|below|the following)\b.*\b(?:are|is"
                                           r"|include)\b", text, re.IGNORECASE)):
        return ""
    # The word names what is listed ("our three objectives are:", "the goals for the DAOops
    # workstream as …"), not what the sentence is about ("three components to OKRs:").
    objectives = any(
        not re.search(r"\b(?:to|of|about|on|with|in|into|use|using|set|setting|write|writing)\s+$",
                      text[:m.start()], re.IGNORECASE) and len(text[m.end():].split()) <= 14
        for m in _INTRO_OBJECTIVES.finditer(text))
    key_results = bool(_INTRO_KEY_RESULTS.search(text))
    if objectives and not key_results:
        return "objectives"
    if key_results and not objectives:
        return "key results"
    return ""


def _title_line(text: str, words: int = 20) -> bool:
    """A line that reads as a title (an objective stated on a line of its own): short, not
    a sentence ending in a full stop, a colon or a question mark, not prose or furniture."""
    text = text.strip()
    n = len(text.split())
    return 1 <= n <= words and not text.endswith((":", ".", "?", ";", ",")) \
        and _kind_of_text(text) != "prose" and not _furniture_label(text) \
        and not _KEY_RESULTS_LABEL.match(text) and not _labels_objectives(text) \
        and not _EXAMPLE.search(text) and bool(re.match(r"[^\W\d_]", text))


def _strip_symbols(text: str) -> str:
    """Without the pictographs a line starts with ("💡 To create …" in a callout)."""
    start = 0
    while start < len(text) and (unicodedata.category(text[start]) in ("So", "Sk", "Cf")
                                 or (text[start].isspace() and start)):
        start += 1
    return text[start:].strip() or text


# Version numbers are names, not targets: "OpenEBS 1.0", "iOS 17.2", "v0.1.0", "version 2",
# "4.0.1" (a number with two dots, after "v" or "version", or after a name written with a
# capital inside it).
_MIXED_CASE_NAME = re.compile(r"\b(?P<name>[A-Za-z]*[a-z][A-Z][A-Za-z]*|[A-Z][a-z]+[A-Z]\w*)"
                              r"\s+(?P<v>\d+\.\d+)\b(?!\s*%|\.\d)")
# Korean direction words after a number: "25% 이상 감소" (at least 25% lower), "1% 이하" (at
# most 1%), read as the English words hoshin.engine.okr_text knows.
_KO_CHANGE = re.compile(r"(?P<n>\d[\d.,]*\s*%?)\s*(?:이상\s*)?(?P<d>감소|단축|절감|증가|향상)")
_KO_BOUND = re.compile(r"(?P<n>\d[\d.,]*\s*%?)\s*(?P<d>이상|이하|미만|초과)")
_KO_WORDS = {"감소": "reduce by", "단축": "reduce by", "절감": "reduce by", "증가": "increase by",
             "향상": "increase by", "이상": "at least", "이하": "no more than", "미만": "less than",
             "초과": "more than"}


def _as_measured(text: str) -> str:
    """A key result's text as its numbers are read: versions left out, Korean direction
    words in English."""
    text = _MIXED_CASE_NAME.sub(lambda m: m.group("name"), text)
    text = re.sub(r"\b(?:v\d+(?:\.\d+)+|version\s*\d+(?:\.\d+)*|\d+\.\d+\.\d+)\b", " ", text,
                  flags=re.IGNORECASE)
    text = _KO_CHANGE.sub(lambda m: f"{_KO_WORDS[m.group('d')]} {m.group('n')}", text)
    return _KO_BOUND.sub(lambda m: f"{_KO_WORDS[m.group('d')]} {m.group('n')}", text)


def _work_item(text: str) -> bool:
    """An item labelled as work ("Activity: …", "Initiative: …", "AI: Pushed unfinished tasks
    to Q2"). "AI:" followed by a goal ("AI: Improve model accuracy") names a team instead."""
    m = _ACTIVITY.match(text)
    return bool(m) and not (text.startswith("AI") and _GOAL_VERB.match(text[m.end():]))


def _notes_label(text: str) -> bool:
    """An item that only labels notes: "**Notes:**", "Notes", "Open questions"."""
    text = text.strip("*_ ")
    return bool(_NOTES_LABEL.match(text if text.endswith(":") else text + ":"))


def _open_question(line: _Line, item: _Item) -> bool:
    """A short item that asks, with nothing under it ("**More ideas?**"): not an objective
    or a key result."""
    return line.text.endswith("?") and not item.lists and len(line.text.split()) <= 8 \
        and not _KR.match(line.text) and not _OBJECTIVE.match(line.text)


def next_block_is_prose(block) -> bool:
    """Whether the block after a line is a paragraph that continues it as prose."""
    return isinstance(block, _Paragraph) and len(block.lines) > 1


def _bold_label(inline: _Inline) -> bool:
    """"**Workshop for users [COMMITTED]:** Plan for a workshop …": the item starts with a
    bold label ending in a colon, and text follows it."""
    plain, bold = inline.plain, inline.bold
    start = len(plain) - len(plain.lstrip())
    if m := _NUMBERING.match(plain):
        start = m.end()
    end = start
    while end < len(plain) and (bold[end] or plain[end].isspace()):
        end += 1
    label, after = plain[start:end].strip(), plain[end:]
    return end > start and (label.endswith(":") or after.lstrip().startswith(":")) \
        and bool(after.strip(" :")) and len(label.split()) <= 8


class _Reader:
    def __init__(self) -> None:
        self.page = ParsedPage()
        self._people: dict[str, Person] = {}
        # Headings open above the current point: (level, kind, name, objective index).
        self.headings: list[tuple[int, str, str, int | None]] = []
        self.candidates: list[tuple[str, str | None, int]] = []  # (name, parent, line)
        self.used: set[str] = set()  # candidate units that hold objectives
        self.context: int | None = None  # the objective a following list belongs to
        self.context_level = 0
        self.list_role = ""  # "objectives" when the heading above labels objectives
        self.last_paragraph = ""
        self.covered: set[int] = set()  # lines that are part of an objective or key result
        self.heading_objectives: set[int] = set()  # objectives read from headings
        self.last_heading_objective: tuple[int, int] | None = None  # (index, level)
        self.awaiting_statement: int | None = None  # a short objective line's statement
        self.source_lines: list[str] = []
        self.last_prose: _Paragraph | None = None  # the paragraph just before, not read
        self.enum_role = ""  # "objectives": "(a) …" lines after "… objectives:" are
        self.paragraph_objectives = 0  # objectives read from a line above their list
        self.line_objectives: set[int] = set()  # those objectives
        self.okr_page = False
        self.intro = ""  # what the sentence before the next list says it holds
        self.kr_list = False  # the next list is under a "Key results" label
        # The objective heading above states its key results as lines of text.
        self.line_krs = False
        self.consumed: set[int] = set()  # lists already read as an objective's words
        self.pending_objective: _Line | None = None  # "Objective:" alone, its words to come
        self.detail_list: _List | None = None  # the list right under a key result line

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

    def not_understood(self, line: int, text: str, why: str, end: int = 0) -> None:
        self.page.unparsed.append(Unparsed(line, text, why, end))

    def cover(self, line: _Line) -> None:
        self.covered.update(range(line.line, max(line.last, line.line) + 1))

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

    def heading(self, block: _Heading, following: list, after: list = (),
                decision: str | None = None) -> None:
        """A heading; `following` holds the blocks up to the next heading, `after` all the
        blocks after it; `decision` is how sibling headings read ('objective', 'area',
        None: see `_plan_headings`)."""
        line = _read(block.inline)
        while self.headings and self.headings[-1][0] >= block.level:
            self.headings.pop()
        outer = self._heading_objective()
        previous = self.context  # an objective stated since the last heading
        self.context = None
        self.pending_objective = None
        self.kr_list = self.line_krs = False
        self.list_role = ""
        self.last_paragraph = ""
        self.last_prose = None
        self.enum_role = self.intro = ""
        text = _strip_symbols(line.text.strip("# ").strip())  # "## 📌 Objective"
        title_heading = block.level == 1 and not self.page.title
        if title_heading:
            self.page.title = text
        if _EXAMPLE.search(text):
            self.headings.append((block.level, "example", text, None))
            return
        if m := _KR.match(text):
            self.key_result_from_text(line, m.group("rest"), m.group("owner"), outer)
            self.headings.append((block.level, "other", text, None))
            return
        if _KEY_RESULTS_LABEL.match(text) and outer is None and self.last_heading_objective \
                and self.last_heading_objective[1] == block.level:
            outer = self.last_heading_objective[0]  # "### Objective" … "### Key results"
        if _KEY_RESULTS_LABEL.match(text) and (outer is not None or previous is not None):
            # "### Key results" under an objective's heading, or after an objective stated in
            # the section above ("**Objective: …**"): its list holds them.
            self.headings.append((block.level, "other", text, None))
            self.context = previous if previous is not None else outer
            self.context_level = block.level
            self.kr_list = True
            return
        owner, title = None, None
        statement = 0  # the line of an objective's words stated under its heading
        if m := _OBJECTIVE.match(text):
            owner, title = m.group("owner"), m.group("rest")
        elif _OBJECTIVE_ALONE.match(text):
            title = text.rstrip(":.")
            # Its words on the next paragraph, also inside an HTML block (an <aside>
            # callout) before it.
            first = next((b for b in following if b != "skipped"
                          or (isinstance(b, _Html) and b.lines)), None)
            if isinstance(first, _Html):
                first = _Paragraph(list(first.lines))
            if isinstance(first, _List) and len(first.items) == 1 and not first.items[0].lists \
                    and first.items[0].inline is not None:
                # "## Objective" then a list of one item: the objective's words.
                stated = _read(first.items[0].inline)
                if stated.text and not _KR.match(stated.text):
                    title = _strip_symbols(stated.text.strip("*_ "))
                    self.cover(stated)
                    statement = stated.last
                    self.consumed.add(id(first))
            elif isinstance(first, _Paragraph) and first.lines and _read(first.lines[0]).text \
                    and not _KR.match(_read(first.lines[0]).text):
                # "## Objective 1" then the objective's words on the next line.
                stated = _read(first.lines[0])
                title = _strip_symbols(stated.text.strip("*_ "))
                self.cover(stated)
                first.lines = first.lines[1:]
                statement = stated.last
        elif not title_heading:
            owner, rest = _owner_prefix(text)
            if owner:
                title = rest
        if not title and not _ROLE.match(text) and (decision == "objective" or (
                decision is None and self.plain_objective_heading(
                    text, following, after[len(following):len(following) + 1],
                    block.level))):
            title = text.rstrip(":").strip()
        if title and decision == "objective":
            owner = None
        if title:
            index = self.objective(line, title.strip(), owner, parent=None)
            if statement:
                self.page.objectives[index].end = statement
            self.heading_objectives.add(index)
            self.last_heading_objective = (index, block.level)
            self.headings.append((block.level, "objective", text, index))
            self.context, self.context_level = index, block.level
            self.line_krs = _states_key_results_as_lines(following, self.source_lines)
            return
        if title_heading:
            self.headings.append((1, "title", text, None))
            if _labels_objectives(text):
                self.list_role = "objectives"
            return
        if decision == "area":
            self.list_role = "objectives"
        if _ROLE.match(text):
            self.headings.append((block.level, "role", text, None))
        elif _labels_objectives(text):
            self.headings.append((block.level, "other", text, None))
            self.list_role = "objectives"
        elif _GENERIC_HEADING.search(text) or not text or _FURNITURE.search(text):
            self.headings.append((block.level, "other", text, None))
        else:
            self.candidates.append((text, self.section_unit(), line.line))
            self.headings.append((block.level, "department", text, None))

    def plain_objective_heading(self, text: str, following: list, next_heading: list = (),
                                level: int = 0) -> bool:
        """A plain heading is an objective when the first list or table under it is plain
        (no OKR markers) and reads as key results, or when its first sub-heading is "Key
        results"; and the heading is not furniture."""
        if not text or _FURNITURE.search(text) or _GENERIC_HEADING.search(text) \
                or _NOT_OKRS.search(text) \
                or _labels_objectives(text) or _KEY_RESULTS_LABEL.match(text) \
                or len(text.split()) > 30 or self.in_example():
            return False
        if not any(isinstance(b, (_List, _Table)) for b in following) and next_heading \
                and isinstance(next_heading[0], _Heading) and next_heading[0].level > level \
                and _KEY_RESULTS_LABEL.match(_read(next_heading[0].inline).text.strip("# ")):
            return True
        if not any(isinstance(b, (_List, _Table)) for b in following) \
                and _states_key_results_as_lines(following, self.source_lines):
            return True  # its key results written as lines of text, not a list
        for block in following:
            if isinstance(block, _Paragraph) and any(
                    _KR.match(_read(i).text) or _OBJECTIVE.match(_read(i).text)
                    for i in block.lines):
                return False
            if isinstance(block, _List):
                if any(self.okr_like(item) for item in block.items):
                    return False
                if sum(bool(it.lists) for it in block.items) * 2 >= len(block.items):
                    return False  # a nested list: its top items are the objectives
                texts = [_read(it.inline).text for it in block.items if it.inline is not None]
                return _reads_as_key_results(texts)
            if isinstance(block, _Table):
                cols = self.table_columns(block)
                if cols.get("objective") is not None:
                    return False
                return cols.get("kr") is not None or _reads_as_key_results(
                    [r[0].plain for _, r in block.rows if r])
        return False

    # objectives and key results

    def objective(self, line: _Line, title: str, owner: str | None,
                  parent: int | None) -> int:
        description = ""
        if len(title) > TITLE_MAX:
            cut = title.rfind(". ", 0, TITLE_MAX)
            cut = cut + 1 if cut > 0 else TITLE_MAX - 1
            title, description = title[:cut].strip(), title[cut:].strip()
            self.not_understood(
                line.line, title[:80], f"objective title longer than {TITLE_MAX} characters: "
                                       "the rest went into its description")
        owner = owner or (line.handle and f"@{line.handle}")
        if owner is None and parent is not None:
            owner_handle = None  # the parent's owner is not this objective's owner
        else:
            owner_handle = self.person(owner or self.section_owner())
        unit = self.section_unit()
        if unit:
            self.used.add(unit)
        obj = Objective(title=title, owner=owner_handle, unit=unit, parent=parent,
                        line=line.line, note=line.note, description=description,
                        end=line.last)
        self.page.objectives.append(obj)
        self.page.items.add(line.line)
        self.cover(line)
        return len(self.page.objectives) - 1

    def key_result_from_text(self, line: _Line, title: str, owner: str | None,
                             objective: int | None = None, measured: str | None = None) -> None:
        objective = self.context if objective is None else objective
        self.page.items.add(line.line)
        if objective is None:
            self.not_understood(line.line, line.text, "a key result with no objective above it")
            return
        title = title.strip()
        if len(title) > TITLE_MAX:
            self.not_understood(
                line.line, title[:80], f"key result title longer than {TITLE_MAX} "
                                       "characters: cut short")
            title = title[:TITLE_MAX - 1].rstrip() + "…"
        who = owner or (line.handle and f"@{line.handle}")
        m = measure(_as_measured(measured or title), line.links)
        if m["kind"] == "milestone" and not m["placeholder"] and re.match(
                r"(?:increase|grow|raise|boost|improve|decrease|reduce|lower|cut)\b", title,
                re.IGNORECASE):
            # "Increase APP": a direction with no number. An increase or a decrease needs a
            # baseline and a target, so it is a milestone until someone sets them.
            m["assumptions"].append("a change with no number: imported as a milestone (give "
                                    "it a baseline and a target to track it as a change)")
        kr = KeyResult(title=title, owner=self.person(who), kind=m["kind"],
                       baseline=m["baseline"], target=m["target"], unit=m["unit"][:40],
                       line=line.line, note=line.note, placeholder=m["placeholder"],
                       assumptions=m["assumptions"], due=m["due"], end=line.last)
        if kr.placeholder:
            self.not_understood(
                line.line, title, f'placeholder "{kr.placeholder}" where a number should be: '
                                  "imported as a milestone with no target")
        self.page.objectives[objective].key_results.append(kr)
        self.cover(line)

    def item(self, item: _Item, parent: int) -> None:
        """An item nested under an objective (or under a heading/paragraph objective)."""
        if item.inline is None:
            for lst in item.lists:
                for child in lst.items:
                    self.item(child, parent)
            return
        line = _read(item.inline)
        if not line.text:
            self.cover(line)
            return
        if _work_item(line.text) or _open_question(line, item) or _notes_label(line.text):
            self.activity(item, line)
            return
        label, _, after = line.text.partition(":")
        if item.lists and _KEY_RESULTS_LABEL.match(label.strip("*_ ")) and (
                not after.strip(" *_") or after.strip(" *_").startswith("(")
                or re.match(r"(?:key\s+results|KRs)\b", label.strip("*_ "), re.IGNORECASE)):
            # "**Key Results:** (shared by …)" with the key results under it.
            self.cover(line)
            for lst in item.lists:
                for child in lst.items:
                    self.item(child, parent)
            return
        if m := _KR.match(line.text):
            self.key_result_from_text(line, m.group("rest"), m.group("owner"), parent)
            self.under_key_result(item, parent)
            return
        if item.lists and self.kr_list and not _OBJECTIVE.match(line.text):
            # Under a "Key results" heading or line, an item with items under it (bold or
            # not) is a key result with its notes.
            owner, title = _owner_prefix(line.text)
            self.key_result_from_text(line, title, owner, parent)
            self.under_key_result(item, parent)
            return
        if item.lists and parent in self.heading_objectives and _bold_label(item.inline) \
                and not _OBJECTIVE.match(line.text):
            # "**Workshop for users [COMMITTED]:** Plan for a workshop …" under an objective,
            # with its initiatives and tasks under it: a key result named by its label.
            self.key_result_from_text(line, line.text, None, parent)
            self.under_key_result(item, parent)
            return
        if m := _OBJECTIVE.match(line.text):
            index = self.objective(line, m.group("rest"), m.group("owner"), parent)
        elif item.lists and not line.whole_bold and parent in self.line_objectives \
                and not _owner_prefix(line.text)[0]:
            # Under an objective written as a line above its list, an item with items under
            # it is a key result; the items under it are its details (listed, not imported).
            self.key_result_from_text(line, line.text, None, parent)
            self.under_key_result(item, parent)
            return
        elif item.lists and not line.whole_bold and parent in self.heading_objectives \
                and not _owner_prefix(line.text)[0] and self.shallow(item):
            # Under an objective heading, a plain item with items under it (mostly with none
            # of their own: not a tree of objectives) is a key result; the items under it are
            # key results of the same objective when they read as text (not "Name: 1/3"
            # shares or scores).
            self.key_result_from_text(line, line.text, None, parent)
            self.detail_items(item, parent)
            return
        elif item.lists and not _owner_prefix(line.text)[0] and self.details_only(item):
            # Under an objective, an item whose items do not read as key results (questions,
            # notes, "How to …", "Make sure to include:") is a key result with its details,
            # not a child objective: an objective holds key results.
            self.key_result_from_text(line, line.text, None, parent)
            self.under_key_result(item, parent)
            return
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

    def activity(self, item: _Item, line: _Line) -> None:
        """An item labelled as work ("Activity: …", "[Initiative] …", "AI: …") or an open
        question ("**More ideas?**"), and the items under it: listed as not understood."""
        self.page.items.add(line.line)
        self.not_understood(line.line, line.text, "an open question" if line.text.endswith("?")
                            else "notes, not a key result" if _notes_label(line.text)
                            else "an activity, initiative or action item, not a key result")
        self.under_key_result(item)

    def outline_head(self, n: int) -> bool:
        """Whether the next non-blank source line after line `n` is a sub-enumerated line
        ("i …", "a. …", "1. …"): "A. Title" then heads an outline."""
        for source in self.source_lines[n:]:
            if source.strip():
                return bool(_SUB_ENUM.match(source.strip()) or _LIST_LINE.match(source))
        return False

    def details_only(self, item: _Item) -> bool:
        """Whether the items under an item are details rather than key results: none marked
        or bold, some read as prose, and together they do not read as key results."""
        subs = [c for lst in item.lists for c in lst.items if c.inline is not None]
        if not subs or any(self.okr_like(c) for c in subs):
            return False
        texts = [_read(c.inline).text for c in subs]
        return any(_kind_of_text(t) == "prose" for t in texts) \
            and not _reads_as_key_results(texts, lenient=True)

    @staticmethod
    def shallow(item: _Item) -> bool:
        subs = [c for lst in item.lists for c in lst.items]
        return sum(bool(c.lists) for c in subs) * 2 < len(subs)

    def detail_items(self, item: _Item, parent: int) -> None:
        for lst in item.lists:
            for child in lst.items:
                if child.inline is None:
                    self.detail_items(child, parent)
                    continue
                line = _read(child.inline)
                owner, rest = _owner_prefix(line.text)
                if not line.text:
                    self.cover(line)
                elif not re.search(r"[^\W\d_]{2}", rest) or _kind_of_text(line.text) == "prose" \
                        or _work_item(line.text):
                    self.page.items.add(child.line)
                    self.not_understood(child.line, line.text, "an item under a key result that "
                                        "does not read as a key result (a share, score or note)")
                else:
                    self.key_result_from_text(line, rest, owner, parent)
                self.detail_items(child, parent)

    def under_key_result(self, item: _Item, objective: int | None = None) -> None:
        """The items under a key result: those marked "KR:" are key results of the same
        objective; the others (initiatives, tasks, notes) are listed as not understood."""
        for lst in item.lists:
            for child in lst.items:
                if child.inline is not None:
                    line = _read(child.inline)
                    if objective is not None and (m := _KR.match(line.text)):
                        self.key_result_from_text(line, m.group("rest"), m.group("owner"),
                                                  objective)
                    else:
                        self.page.items.add(child.line)
                        self.not_understood(
                            child.line, line.text,
                            "an item under a key result (key results have no sub-items)")
                self.under_key_result(child, objective)

    def okr_like(self, item: _Item) -> bool:
        if item.inline is None:
            return any(self.okr_like(c) for lst in item.lists for c in lst.items)
        line = _read(item.inline)
        return bool(line.whole_bold or _KR.match(line.text) or _OBJECTIVE.match(line.text)
                    or _owner_prefix(line.text)[0])

    def whole_list(self, lst: _List, why: str) -> None:
        first = lst.items[0].inline if lst.items and lst.items[0].inline else None
        self.not_understood(lst.line, _read(first).text if first else "", why, lst.end)
        self._count_items(lst)

    def _count_items(self, lst: _List) -> None:
        for item in lst.items:
            if item.inline is not None and _read(item.inline).text:
                self.page.items.add(item.line)
            for sub in item.lists:
                self._count_items(sub)

    def top_list(self, lst: _List) -> None:
        if id(lst) in self.consumed:
            return
        if self.detail_list is lst:
            # Right under a key result written as a line of text: its details.
            self.detail_list = None
            self.under_key_result(_Item(lst.line, lst.end, None, [lst]), self.context)
            return
        if self.intro == "notes":
            self.whole_list(lst, f"notes (lines {lst.line}-{lst.end}), not OKRs: the line "
                                 "before says so")
            return
        if self.in_example() or _EXAMPLE.search(self.last_paragraph):
            self.whole_list(lst, f"an example (lines {lst.line}-{lst.end}), not OKRs: the "
                                 "text before it says so")
            return
        if self.context is not None:
            for item in lst.items:
                self.item(item, self.context)
            return
        votes = [self.okr_like(item) for item in lst.items]
        if any(votes) and sum(votes) * 2 >= len(votes):
            for item in lst.items:
                self.top_item(item)
            return
        # Plain lists: nested ones are objectives with their key results; a flat one under
        # a heading that labels objectives is objectives.
        texts = [_read(it.inline).text for it in lst.items if it.inline is not None]
        children = [_read(c.inline).text for it in lst.items for sub in it.lists
                    for c in sub.items if c.inline is not None]
        nested = sum(bool(it.lists) for it in lst.items)
        if nested and nested * 2 >= len(lst.items) and _reads_as_key_results(children) \
                and sum(_kind_of_text(t) == "prose" for t in texts) * 3 <= len(texts):
            for item in lst.items:
                self.top_item(item, plain=True)
            return
        if (self.list_role == "objectives" or self.intro == "objectives") and sum(
                _kind_of_text(t) == "prose" for t in texts) * 3 <= len(texts):
            for item in lst.items:
                self.top_item(item, plain=True)
            return
        self.whole_list(lst, f"a list (lines {lst.line}-{lst.end}) that does not read as "
                             "OKRs: its items have no owner prefix, bold objective or KR: "
                             "marker, and do not read as key results")

    def top_item(self, item: _Item, *, plain: bool = False) -> None:
        """A top-level list item: an objective with its list as key results. On a page
        whose lists are plain (`plain`), every item is an objective; otherwise one needs an
        owner prefix, bold, or items under it."""
        if item.inline is None:
            for lst in item.lists:
                for child in lst.items:
                    self.top_item(child, plain=plain)
            return
        line = _read(item.inline)
        if not line.text:
            self.cover(line)
            return
        if _work_item(line.text) or _open_question(line, item) or _notes_label(line.text):
            self.activity(item, line)
            return
        if m := _KR.match(line.text):
            self.page.items.add(line.line)
            self.not_understood(line.line, line.text, "a key result with no objective above it")
            self.under_key_result(item)
            return
        if m := _OBJECTIVE.match(line.text):
            owner, title = m.group("owner"), m.group("rest")
        else:
            owner, title = _owner_prefix(line.text)
            if not plain and not owner and not line.whole_bold and not item.lists:
                self.page.items.add(line.line)
                self.not_understood(
                    line.line, line.text, "neither an objective nor a key result: no owner "
                                          "prefix, not bold, and not under an objective")
                return
        index = self.objective(line, title, owner, parent=None)
        for lst in item.lists:
            for child in lst.items:
                self.item(child, index)

    # tables

    def table_columns(self, table: _Table) -> dict[str, int | None]:
        names = [_read(h).text.strip().strip("*_ ").lower() for h in table.header]
        cols: dict[str, int | None] = {}
        taken: set[int] = set()
        for role, pattern in (("ignore", _TABLE_IGNORE), ("kr", _TABLE_KR),
                              ("objective", _TABLE_OBJECTIVE), ("owner", _TABLE_OWNER),
                              ("target", _TABLE_TARGET), ("baseline", _TABLE_BASELINE),
                              ("due", _TABLE_DUE)):
            for i, name in enumerate(names):
                if i in taken or not pattern.search(name):
                    continue
                taken.add(i)
                if role == "ignore":
                    cols.setdefault("ignore_set", set()).add(i)  # type: ignore[union-attr]
                else:
                    cols.setdefault(role, i)
                    if role not in ("ignore",):
                        break
        cols.setdefault("objective", None)
        cols.setdefault("kr", None)
        return cols

    def table(self, table: _Table) -> None:
        for row_line, _ in table.rows:
            self.page.items.add(row_line)
        if self.in_example() or _EXAMPLE.search(self.last_paragraph):
            self.not_understood(table.line, "", f"an example table (lines {table.line}-"
                                                f"{table.end}), not OKRs", table.end)
            return
        cols = self.table_columns(table)
        obj_col, kr_col = cols["objective"], cols["kr"]
        owner_col, target_col = cols.get("owner"), cols.get("target")
        base_col, due_col = cols.get("baseline"), cols.get("due")
        ignored = cols.get("ignore_set") or set()
        self.covered.add(table.line)
        self.covered.add(table.line + 1)  # the header and its --- line

        def cell(cells, i):
            return cells[i] if i is not None and i < len(cells) else None

        def text(c):
            return _read(c).text if c is not None else ""

        if obj_col is None and kr_col is None:
            # No header names the columns: the first is the objective, the others (but
            # owner, status and the like) its key results.
            firsts = [text(cell(cells, 0)) for _, cells in table.rows]
            others = [text(c) for _, cells in table.rows for i, c in enumerate(cells)
                      if i and i not in ignored and i not in (owner_col, target_col, base_col,
                                                              due_col)]
            words = [t for t in firsts if t]
            if not words or sum(len(t.split()) >= 2 for t in words) * 2 < len(words) \
                    or not others or not _reads_as_key_results([t for t in others if t]):
                if self.context is not None and _reads_as_key_results(words):
                    kr_col = 0
                else:
                    self.not_understood(
                        table.line, text(table.header[0]) if table.header else "",
                        f"a table (lines {table.line}-{table.end}) that does not read as OKRs:"
                        " no objective or key result column, and its cells do not read as "
                        "objectives and key results", table.end)
                    return
            else:
                obj_col = 0
        current: int | None = None
        current_text = ""
        for row_line, cells in table.rows:
            owner_cell = cell(cells, owner_col)
            owner = text(owner_cell) or None
            if owner and (re.fullmatch(r"TBD|TBC|\?+|-+|n/?a|—|–", owner, re.IGNORECASE)):
                owner = None
            if obj_col is not None:
                o_cell = cell(cells, obj_col)
                o_text = text(o_cell)
                if o_text and o_text != current_text:
                    line = _read(o_cell)
                    line.line = line.last = row_line
                    m = _OBJECTIVE.match(line.text)
                    title = m.group("rest") if m else line.text
                    p_owner, title = _owner_prefix(title)
                    current = self.objective(line, title, p_owner or (
                        owner if kr_col is None else None), parent=None)
                    current_text = o_text
                elif not o_text and current is None and self.context is not None:
                    current = self.context
                if kr_col is None:
                    extra = [c for i, c in enumerate(cells) if i not in (
                        obj_col, owner_col, target_col, base_col, due_col) and i not in ignored]
                    krs = [c for c in extra if text(c)] if cols.get("objective") is None else []
                    for c in krs:
                        self.table_kr(c, row_line, owner, current, None, None, None)
                    self.covered.add(row_line)
                    continue
            else:
                current = self.context
            k_cell = cell(cells, kr_col)
            if k_cell is None or not text(k_cell):
                self.covered.add(row_line)
                continue
            self.table_kr(k_cell, row_line, owner, current, text(cell(cells, target_col)),
                          text(cell(cells, base_col)), text(cell(cells, due_col)))
            self.covered.add(row_line)

    def table_kr(self, c: _Inline, row_line: int, owner: str | None, objective: int | None,
                 target: str | None, baseline: str | None, due: str | None) -> None:
        parts = getattr(c, "parts", [c])
        for part in parts:
            line = _read(part)
            line.line = line.last = row_line
            if not line.text:
                continue
            m = _KR.match(line.text)
            title = m.group("rest") if m else line.text
            p_owner, title = _owner_prefix(title) if not m else (m.group("owner"), title)
            measured = title
            if target and baseline:
                measured = f"{title} (from {baseline} to {target})"
            elif target:
                measured = f"{title} (target: {target})"
            if due and not measure(title)["due"]:
                measured += f" by {due}"
            if objective is None:
                self.page.items.add(row_line)
                self.not_understood(row_line, line.text,
                                    "a key result with no objective above it")
                self.covered.add(row_line)
                continue
            self.key_result_from_text(line, title, p_owner or owner, objective,
                                      measured=measured)

    # paragraphs

    def paragraph(self, block: _Paragraph, next_block=None) -> None:
        """Lines outside lists: "**Objective:** ...", "KR: ...", "Owner: @x", "(a) …"
        enumerations, a title line above its list, or prose. `next_block` is the block
        after it (a list right under a one-line paragraph is that line's key results)."""
        before, self.last_prose = self.last_prose, None
        pending, self.pending_objective = self.pending_objective, None
        if pending is not None and (stated := _read(block.lines[0])).text \
                and not _KR.match(stated.text) and not _OBJECTIVE.match(stated.text):
            # The words of an "Objective:" line standing alone: the objective, even when
            # written as a question ("How can Grants WG be effective …?").
            self.cover(pending)
            index = self.objective(stated, _strip_symbols(stated.text.strip("*_ ")), None,
                                   parent=self._heading_objective())
            self.page.objectives[index].line = pending.line
            self.context = index
            if len(block.lines) == 1:
                self.last_paragraph = self.intro = ""
                return
            block = _Paragraph(block.lines[1:])
        if self.line_krs and self.context is not None and self.key_result_lines(block,
                                                                                 next_block):
            self.last_paragraph = self.intro = ""
            return
        if not any(_PAREN_ENUM.match(i.plain.strip()) for i in block.lines):
            self.enum_role = ""
        if self.paragraph_line(block, next_block, before):
            self.last_paragraph = ""
            return
        if self.awaiting_statement is not None and len(block.lines) == 1:
            line = _read(block.lines[0])
            obj = self.page.objectives[self.awaiting_statement]
            self.awaiting_statement = None
            if line.text and not line.text.endswith(":") and not _KR.match(line.text) \
                    and not _OBJECTIVE.match(line.text) and not _owner_prefix(line.text)[0]:
                # "WE1: Contributor experience" then one line stating it: its description.
                obj.description = (obj.description + " " + line.text).strip()
                obj.end = line.last
                self.cover(line)
                return
        self.awaiting_statement = None
        if self.text_outline(block):
            self.last_paragraph = self.intro = ""
            return
        understood = False
        pending_title = None
        for k, inline in enumerate(block.lines):
            line = _read(inline)
            if not line.text:
                continue
            if m := _OWNER_LINE.match(line.text):
                if self.context is not None:
                    who = m.group("who").strip()
                    if not re.fullmatch(r"TBD|TBC|\?+|-|n/a", who, re.IGNORECASE):
                        self.page.objectives[self.context].owner = self.person(who)
                        self.cover(line)
                    else:
                        self.not_understood(line.line, line.text,
                                            "no owner named (placeholder)")
                    understood = True
                continue
            if m := _KR.match(line.text):
                self.key_result_from_text(line, m.group("rest"), m.group("owner"))
                understood = True
                continue
            if _OBJECTIVE_ALONE.match(line.text) and pending_title is None:
                pending_title = line  # "Objective 3:" then its words on the next line
                continue
            title = owner = None
            if pending_title is not None:
                self.cover(pending_title)
                index = self.objective(line, line.text.strip("*_ "), None,
                                       parent=self._heading_objective())
                self.page.objectives[index].line = pending_title.line
                self.context, understood, pending_title = index, True, None
                continue
            raw = inline.plain.strip()
            if m := _PAREN_ENUM.match(raw):
                # "(a) …" lines after a sentence saying they are objectives ("… OKRs
                # include:"), or under an objective (its key results).
                said = _introduces(block.lines[k - 1].plain) if k else self.intro
                if said == "objectives" or (self.enum_role == "objectives" and not said):
                    self.enum_role = "objectives"
                    index = self.objective(line, m.group("rest"), None,
                                           parent=self._heading_objective())
                    self.context, understood = index, True
                    self.heading_objectives.add(index)
                    continue
                if self.context is not None and _kind_of_text(m.group("rest")) != "prose":
                    self.key_result_from_text(line, m.group("rest"), None)
                    understood = True
                    continue
            nxt = block.lines[k + 1].plain.strip() if k + 1 < len(block.lines) else ""
            if re.match(r"2[.)]\s", nxt) and (m := _ROW_START.match(raw)) \
                    and not _KR.match(raw) and _kind_of_text(m.group("o")) != "prose":
                # "Finish the DAO structure 1. Finished tokenomics v2" then "2. …": the
                # objective and its first key result; "2. …" lines follow as key results.
                index = self.objective(line, m.group("o"), None,
                                       parent=self._heading_objective())
                self.key_result_from_text(line, m.group("k"), None, index)
                self.context, understood = index, True
                continue
            m = _LETTER_ENUM.match(raw) if self.outline_head(line.last) else None
            if (m := m or _CODE_LABEL.match(raw)) and len(m.group("rest").split()) <= 25:
                # "A.  Improve data sharing": an outline's first level, an objective.
                index = self.objective(line, m.group("rest"), None,
                                       parent=self._heading_objective())
                self.context, understood = index, True
                if len(block.lines) == 1 and len(m.group("rest").split()) <= 4:
                    self.awaiting_statement = index
                continue
            if self.context is not None and (m := _SUB_ENUM.match(raw)) \
                    and _kind_of_text(m.group("rest")) != "prose":
                # "i …", "ii …", "1.Cloud cost", "2. …" under it: its key results.
                self.key_result_from_text(line, m.group("rest"), None)
                understood = True
                continue
            if m := _OBJECTIVE.match(line.text):
                owner, title = m.group("owner"), m.group("rest")
            elif line.whole_bold and len(line.text) <= TITLE_MAX and not line.text.endswith(":") \
                    and not (len(line.text.split()) > 20 and _PROSE_START.match(line.text)) \
                    and not _KEY_RESULTS_LABEL.match(line.text.strip("*_ ")) \
                    and not _OBJECTIVES_LABEL.match(line.text.strip("*_ ")) \
                    and not _FURNITURE.search(line.text):
                owner, title = _owner_prefix(line.text)
            if title and not _EXAMPLE.search(title) and not self.in_example():
                index = self.objective(line, title, owner, parent=self._heading_objective())
                self.context, understood = index, True
        if pending_title is not None and not understood and len(block.lines) == 1:
            # "**Objective:**" alone, its words in the next paragraph.
            self.pending_objective = pending_title
            return
        if not understood:
            self.page.skipped_paragraphs += 1
            self.last_paragraph = " ".join(i.plain for i in block.lines)
            self.last_prose = block
            self.intro = _introduces(block.lines[-1].plain) if block.lines else ""
            label = block.lines[-1].plain.strip() if block.lines else ""
            if not self.intro and len(block.lines) == 1 and _NOTES_LABEL.match(label.strip("*_ ")):
                self.intro = "notes"  # "Notes:", "Risks:" then a list: the page's notes
        else:
            self.last_paragraph = ""
            self.intro = ""

    def key_result_lines(self, block: _Paragraph, next_block) -> bool:
        """Under an objective heading whose section states its key results as lines of text
        (`_states_key_results_as_lines`), a paragraph whose lines all read as key results:
        each line (with its wrapped continuation) is one. A list right under the last line
        holds its details ("- Work with Firely and HAPI …", "* Score: 0.8"): listed, not
        imported. Returns whether the paragraph was read that way."""
        lines = [_read(i) for i in _line_items(block, self.source_lines)]
        lines = [line for line in lines if line.text]
        if not lines or any(
                re.fullmatch(r"\[[^\]]*\]", line.text)  # "[Others TODO]": an editor's note
                for line in lines) or any(
                line.whole_bold or _KR.match(line.text) or _OBJECTIVE.match(line.text)
                or _OBJECTIVE_ALONE.match(line.text) or _OWNER_LINE.match(line.text)
                or _kind_of_text(line.text) == "prose" for line in lines):
            return False
        for line in lines:
            owner, title = _owner_prefix(line.text)
            self.key_result_from_text(line, title, owner)
        if isinstance(next_block, _List) and next_block.line == lines[-1].last + 1:
            self.detail_list = next_block
        return True

    def text_outline(self, block: _Paragraph) -> bool:
        """OKRs written as plain lines in one paragraph (a forum post, a page pasted as
        text): a line naming goals or OKRs ("Tentative H1 2022 grants goals", "In terms of
        specific OKRs for Q1"), then short lines. After it, a "Theme: goal" line or a short
        title line ("Grassroots Efforts") is an objective; a line right after a title line
        that reads as a key result ("Help >500 new entrants …") is one of its key results;
        sentences are left as prose. Returns whether the paragraph was read that way."""
        texts = [_read(i).text.strip() for i in block.lines]
        if len(texts) < 3 or self.in_example() or not any(_GOALS_LINE.match(t) for t in texts) \
                or any(_KR.match(t) or _OBJECTIVE.match(t) or _OBJECTIVE_ALONE.match(t)
                       for t in texts):
            return False  # marked lines ("O1. …", "KR 1.1 …") are read as such
        read = False
        mode, title_objective = False, None
        for inline, text in zip(block.lines, texts, strict=True):
            line = _read(inline)
            if _GOALS_LINE.match(text):
                mode, title_objective = True, None
                continue
            words = text.split()
            if not mode or not text or len(words) > 25 or _kind_of_text(text) == "prose" \
                    or (text.endswith((".", "!", "?")) and not _GOAL_VERB.match(text)):
                continue
            owner, rest = _owner_prefix(text)
            if title_objective is not None and not owner and (
                    _kind_of_text(text) == "kr" or len(words) > 5):
                self.key_result_from_text(line, text, None, title_objective)
                read = True
                continue
            title_line = len(words) <= 5 and not _GOAL_VERB.match(text) and not owner
            index = self.objective(line, text, None, parent=self._heading_objective())
            title_objective = index if title_line else None
            self.context = index
            read = True
        return read

    def paragraph_line(self, block: _Paragraph, next_block, before: _Paragraph | None) -> bool:
        """A paragraph of one line read as an objective: a title line with its list right
        under it ("Alpha release of Squad Chess" then "- Real matches playable online"),
        a title line among such objectives, or the statement before a "Key Results:" line.
        Returns whether the paragraph was read."""
        if len(block.lines) != 1 or self.in_example():
            return False
        line = _read(block.lines[0])
        text = line.text.strip()
        if not text or _KR.match(text) or _OBJECTIVE.match(text) or _OBJECTIVE_ALONE.match(text) \
                or _OWNER_LINE.match(text) or _PAREN_ENUM.match(text) or line.whole_bold:
            return False
        if _KEY_RESULTS_LABEL.match(text.strip("*_ ")) and self.context is not None:
            self.cover(line)  # "Key Results:" under an objective: its list follows
            self.kr_list = True
            return True
        if _KEY_RESULTS_LABEL.match(text.strip("*_ ")) and self.context is None \
                and before is not None and len(before.lines) == 1:
            # A statement, then "Key Results:" and the list: the statement is the
            # objective.
            stated = _read(before.lines[0])
            words = stated.text.strip()
            if words and not words.endswith(("?", ":")) and len(words.split()) <= 60 \
                    and not _PROSE_WORDS.search(words):
                cut = words.find(". ")
                title = words[:cut + 1] if 0 < cut < TITLE_MAX else words
                index = self.objective(stated, title, None, parent=self._heading_objective())
                self.page.objectives[index].description = words[len(title):].strip()
                self.context = index
                self.kr_list = True
                self.cover(line)
                return True
            return False
        if not self.okr_page:
            return False
        adjacent = isinstance(next_block, _List) and next_block.line == line.last + 1 \
            and not any(self.okr_like(it) for it in next_block.items)
        if adjacent and _title_line(text):
            # "Make the stream good!" and, right under it, "- 12 streams": an objective
            # with its key results.
            owner, title = _owner_prefix(text)
            index = self.objective(line, title, owner, parent=self._heading_objective())
            self.heading_objectives.add(index)
            self.line_objectives.add(index)
            self.context = index
            self.paragraph_objectives += 1
            return True
        if self.paragraph_objectives >= 2 and self.headings and _title_line(text, 12) \
                and not _PROSE_START.match(text) and not next_block_is_prose(next_block):
            # "Alpha release of Squad SDK" among objectives written that way: an objective
            # with no key results yet.
            index = self.objective(line, text, None, parent=self._heading_objective())
            self.heading_objectives.add(index)
            self.context = index
            return True
        return False

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


_OKR_PAGE = re.compile(r"\bOKRs?\b|\bobjectives?\b|\bkey results?\b|\bgoals\b", re.IGNORECASE)


def _furniture_label(text: str) -> bool:
    """A heading that names the page's furniture ("Process", "How we score", "Q3 2024"),
    as opposed to a longer heading that only contains such a word ("Improve current
    analyzers", "Grow the community around our mission")."""
    if re.match(r"^(?:how|why|what|when|who|where)\b", text, re.IGNORECASE) or text.endswith("?"):
        return True
    rest = [w for w in _LABEL_FILLER.sub(" ", _GENERIC_HEADING.sub(" ", text)).split()]
    if not rest:
        return True
    # Ids do not count as words: "`2022.M1` Timeframe for measurement" is three words.
    words = re.sub(r"[`'\"‘’][^`'\"‘’\s]{1,20}[`'\"‘’]|\S*\d\S*", " ", text).split()
    if not re.search(r"\b(?:key results?|objectives?|OKRs?)\b", text, re.IGNORECASE):
        # "Risks and dependencies", "전략 및 주요 과제": "and" is not a word of the label (a
        # heading naming key results is read as their label elsewhere)
        words = [w for w in words if w.lower() not in ("and", "&", "or", "및")]
    return len(words) <= 3 and bool(_FURNITURE.search(text))


def _states_key_results_as_lines(following: list, source: list[str]) -> bool:
    """Whether a heading's section states key results as lines of text rather than a list
    (a page written in a word processor: "Build a FHIR proxy server …" then "Develop a test
    suite …", each a paragraph): two or more lines, none marked as an objective or a key
    result, that read as key results."""
    texts = []
    for block in following:
        if not isinstance(block, _Paragraph):
            continue
        for inline in _line_items(block, source):
            line = _read(inline)
            if not line.text:
                continue
            if line.whole_bold or _KR.match(line.text) or _OBJECTIVE.match(line.text) \
                    or _OBJECTIVE_ALONE.match(line.text) or _OWNER_LINE.match(line.text):
                return False
            field = re.match(r"([^:]{1,30}):\s*\S", line.text)
            if (field and field.group(1).strip("*_ ").lower() in _NOT_OWNERS | {"owner(s)"}) \
                    or (line.links and line.text.strip() in line.links):
                return False  # fields ("Status: 1.0") and links alone ("[Source page]")
            texts.append(line.text)
    return len(texts) >= 2 and _reads_as_key_results(texts)


def _list_shape(reader: _Reader, lst: _List, heading: str) -> str:
    """'flat', 'nested' (half its items or more have items under them), 'marked' (OKR
    markers: bold, "KR:", "Objective:", owner prefixes other than the heading's own
    words) or 'prose'."""
    texts = [_read(it.inline).text for it in lst.items if it.inline is not None]
    if texts and sum(_kind_of_text(t) == "prose" for t in texts) * 3 > len(texts):
        return "prose"
    marked = 0
    for it in lst.items:
        if it.inline is None:
            continue
        line = _read(it.inline)
        owner = _owner_prefix(line.text)[0]
        if line.whole_bold or _KR.match(line.text) or _OBJECTIVE.match(line.text) or (
                owner and slug(owner) != slug(heading)):
            marked += 1
    if marked and marked * 2 >= len(lst.items):
        return "marked"
    nested = sum(bool(it.lists) for it in lst.items)
    return "nested" if nested and nested * 2 >= len(lst.items) else "flat"


def _plan_headings(reader: _Reader, blocks: list, okr_page: bool) -> dict[int, str]:
    """How plain headings read, decided for sibling headings together (same level, same
    heading above them) on a page that says it holds OKRs: 'objective' or 'area'.

    * siblings whose first lists are mostly flat plain lists are objectives, their lists
      the key results (a heading with a nested list too when it reads as a goal: it starts
      with a verb, or has three words or more; a heading with nothing under it but
      sub-headings that are objectives is their parent objective; an empty one among
      objective siblings is an objective with no key results yet);
    * siblings whose lists are mostly nested, or whose headings end with ":" (a label:
      "Product:"), are areas: the top items of their lists are the objectives.
    Headings not decided here are read one by one (`_Reader.plain_objective_heading`)."""
    if not okr_page:
        return {}
    headings = [i for i, b in enumerate(blocks) if isinstance(b, _Heading)]
    info: dict[int, dict] = {}
    stack: list[int] = []
    first_title = True
    for i in headings:
        block = blocks[i]
        text = _strip_symbols(_read(block.inline).text.strip("# ").strip())
        while stack and blocks[stack[-1]].level >= block.level:
            stack.pop()
        parent = stack[-1] if stack else None
        stack.append(i)
        title = block.level == 1 and first_title
        first_title = first_title and not title
        following = []
        for nxt in blocks[i + 1:]:
            if isinstance(nxt, _Heading):
                break
            following.append(nxt)
        first = next((b for b in following if isinstance(b, (_List, _Table))), None)
        bare = text.rstrip(":").strip()
        eligible = bool(bare) and not title and not (
            _furniture_label(bare) or _labels_objectives(bare) or _KEY_RESULTS_LABEL.match(bare) or _ROLE.match(bare)
            or _EXAMPLE.search(bare) or _KR.match(bare) or _OBJECTIVE.match(bare)
            or _OBJECTIVE_ALONE.match(bare) or len(bare.split()) > 30 or _NOT_OKRS.search(bare)
            # a heading on writing OKRs ("Defining objectives and key results", "Setting
            # good OKRs") is about them, not one of them
            or re.match(r"(?:\w+ing|about)\b.*\b(?:OKRs?|objectives?|key results?)\b", bare,
                        re.IGNORECASE)
            or (not text.endswith(":") and _owner_prefix(bare)[0]))
        shape = None
        if isinstance(first, _List):
            shape = _list_shape(reader, first, bare)
        elif isinstance(first, _Table):
            shape = "table"
        elif _states_key_results_as_lines(following, reader.source_lines):
            shape = "flat"  # its key results written as lines of text
        info[i] = {"text": bare, "colon": text.endswith(":"), "parent": parent,
                   "level": block.level, "shape": shape, "eligible": eligible,
                   "paragraph_marks": any(
                       isinstance(b, _Paragraph) and any(
                           _KR.match(_read(x).text) or _OBJECTIVE.match(_read(x).text)
                           for x in b.lines) for b in following),
                   "children": []}
        if parent is not None:
            info[parent]["children"].append(i)
    decided: dict[int, str] = {}
    groups: dict[tuple, list[int]] = {}
    for i, h in info.items():
        groups.setdefault((h["parent"], h["level"]), []).append(i)
    for key in sorted(groups, key=lambda k: -k[1]):  # deepest first: parents see children
        members = [i for i in groups[key] if info[i]["eligible"]
                   and not info[i]["paragraph_marks"]]
        if not members:
            continue
        shapes = [info[i]["shape"] for i in members]
        flat, nested = shapes.count("flat"), shapes.count("nested")
        colons = sum(info[i]["colon"] for i in members)
        if flat and flat >= nested and colons * 2 < len(members):
            for i in members:
                h = info[i]
                goal = bool(_GOAL_VERB.match(h["text"])) or len(h["text"].split()) >= 3
                child_objectives = any(decided.get(c) == "objective" for c in h["children"])
                if h["shape"] == "flat" or (h["shape"] == "nested" and goal):
                    decided[i] = "objective"
                elif h["shape"] is None and (child_objectives or (
                        not h["children"] and flat >= 2)):
                    decided[i] = "objective"
        elif nested > flat or (colons and colons * 2 >= len(members)):
            for i in members:
                if info[i]["shape"] in ("flat", "nested"):
                    decided[i] = "area"
    return decided


_SKIP_WHY = {"heading": "skipped: a heading (page structure)", "paragraph": "skipped: prose",
             "code": "skipped: code", "html": "skipped: HTML", "quote": "skipped: a quote",
             "rule": "skipped: a rule", "front matter": "skipped: front matter",
             "table": "skipped: a table line", "list": "skipped: part of a list item"}


def _labels_with_their_text(blocks: list) -> list:
    """A list of one item that is only a label ("1. **Key Result**") followed by a
    paragraph: the item holds the paragraph's words ("Key Result: Raise 150K USD …")."""
    out: list = []
    skip = False
    for i, block in enumerate(blocks):
        if skip:
            skip = False
            continue
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        if isinstance(block, _List) and len(block.items) == 1 and isinstance(nxt, _Paragraph) \
                and (item := block.items[0]).inline is not None and not item.lists \
                and nxt.lines and _LABEL_ALONE.match(_read(item.inline).text.strip("*_ ")):
            label = _read(item.inline).text.strip("*_ :")
            words = _join(nxt.lines)
            plain = f"{label}: {_strip_symbols(words.plain.strip())}"
            item.inline = _Inline(plain, [False] * len(plain), words.links, item.inline.line,
                                  words.last)
            block.end = max(block.end, words.last)
            out.append(block)
            skip = True
            continue
        out.append(block)
    return out


def parse(text: str) -> ParsedPage:
    """Read a Markdown page of OKRs."""
    reader = _Reader()
    reader.source_lines = text.split("\n")
    if m := re.match(r"---\s*\n(?:.*\n)*?title:\s*(?P<t>.+)\n(?:.*\n)*?---", text):
        reader.page.title = m.group("t").strip().strip("\"'")
    body, front = _strip_front_matter(text)
    kinds: dict[int, str] = {n: "front matter" for n in range(1, front + 1)}
    blocks = _blocks(body, kinds)
    okr_page = bool(_OKR_PAGE.search(reader.page.title)) or any(
        isinstance(b, _Heading) and _OKR_PAGE.search(b.inline.plain) for b in blocks)
    reader.okr_page = okr_page
    plan = _plan_headings(reader, blocks, okr_page)
    blocks = _labels_with_their_text(blocks)
    for i, block in enumerate(blocks):
        if isinstance(block, _Heading):
            following = []
            for nxt in blocks[i + 1:]:
                if isinstance(nxt, _Heading):
                    break
                following.append(nxt)
            reader.heading(block, following, blocks[i + 1:], plan.get(i))
        elif isinstance(block, _List):
            reader.top_list(block)
            reader.kr_list = False
            reader.last_paragraph = reader.intro = ""
            reader.last_prose = None
            reader.enum_role = ""
        elif isinstance(block, _Table):
            reader.table(block)
            reader.last_paragraph = reader.intro = ""
            reader.last_prose = None
            reader.enum_role = ""
        elif isinstance(block, _Paragraph):
            reader.paragraph(block, blocks[i + 1] if i + 1 < len(blocks) else None)
        else:
            reader.page.skipped_paragraphs += 1
    page = reader.finish()
    page.read_lines = set(reader.covered)
    # Every other non-blank line is listed: lines of lists not read are not understood,
    # the rest (headings, prose, code) is the page's furniture.
    listed = set(reader.covered)
    for u in page.unparsed:
        listed.update(range(u.line_no, max(u.end, u.line_no) + 1))
    for n, source in enumerate(text.split("\n"), start=1):
        if not source.strip() or n in listed:
            continue
        kind = kinds.get(n, "paragraph")
        if kind == "list":
            page.unparsed.append(Unparsed(n, source.strip(), "a line in a list that was not "
                                                             "read as an objective or key result"))
        else:
            page.skipped.append(Unparsed(n, source.strip()[:120], _SKIP_WHY.get(kind, kind)))
    page.unparsed.sort(key=lambda u: u.line_no)
    return page
