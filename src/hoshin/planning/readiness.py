"""The readiness diagnostic (SPEC §2.1): is the leadership ready for OKRs?

Pure computation, no Django. OKRs amplify what is already there: with an unclear strategy,
a divided leadership, an overloaded organisation or low trust they turn into busywork,
sandbagging or blame. Each leader answers sixteen statements on a 1–5 scale (strongly
disagree … strongly agree); some statements are worded negatively and scored in reverse,
so that agreeing with everything does not look like readiness. A dimension's score is the
mean of its statements (1–5, higher = readier); the overall score is the mean of the
dimensions.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

SCALE = (1, 2, 3, 4, 5)
SCALE_LABELS = {1: "Strongly disagree", 2: "Disagree", 3: "Neither", 4: "Agree",
                5: "Strongly agree"}
# Below WEAK a dimension needs fixing before OKRs; from STRONG it is a strength.
WEAK = 3.0
STRONG = 4.0
# Leaders who see a dimension this differently (standard deviation of their scores, on a
# 1–5 scale) are not looking at the same organisation: that is a finding in itself.
DIVIDED = 1.0


@dataclass(frozen=True)
class Dimension:
    key: str
    name: str
    fix: str  # what to do before OKRs when the dimension is weak
    divided: str  # what to do when leaders see it very differently


@dataclass(frozen=True)
class Question:
    key: str
    dimension: str
    text: str
    reverse: bool = False  # agreeing is the bad answer

    def score(self, answer: int) -> int:
        return 6 - answer if self.reverse else answer


DIMENSIONS: list[Dimension] = [
    Dimension(
        "clarity", "Strategy clarity",
        "Settle the winning logic first: write down where you play, how you win and the "
        "3–5 annual objectives, and test that every leader can explain them in two "
        "sentences. OKRs written against an unclear strategy become a list of activities "
        "with no connection to what matters.",
        "Leaders disagree on how clear the strategy is: some think it is obvious, others "
        "cannot state it. Ask each to write it down separately and compare."),
    Dimension(
        "alignment", "Leadership alignment",
        "Resolve the disagreements about priorities in the leadership team before "
        "drafting: run the executive alignment test, discuss the items ranked furthest "
        "apart, and decide. Strategy arguments are not solved by OKRs; they reappear as "
        "contradicting objectives between units.",
        "Some leaders think the team is aligned, others do not: that gap is itself a sign "
        "of unspoken disagreement. Run the alignment test."),
    Dimension(
        "overload", "Capacity and focus",
        "Make room before adding goals: list everything in flight, decide explicitly what "
        "is paused, slowed or stopped (the trade-offs of the brief), and keep to 2–3 "
        "themes and at most 3 objectives per unit. OKRs on top of an overloaded "
        "organisation are ignored by week three.",
        "Overload is felt unevenly: find the units that carry it (unit pages, owners with "
        "many key results) and rebalance before drafting."),
    Dimension(
        "trust", "Trust and safety",
        "Make it safe to report red: state in writing that grades are for learning and "
        "never feed people ratings or bonuses, start reviews with what is off track, and "
        "thank the bearers of bad news. Without that, check-ins turn green until the "
        "quarter is lost and targets are sandbagged.",
        "Some leaders feel safe raising problems and others do not: talk about what "
        "happens to bad news in your reviews before you rely on check-ins."),
]
DIMENSION_KEYS = [d.key for d in DIMENSIONS]
DIMENSION_BY_KEY = {d.key: d for d in DIMENSIONS}

QUESTIONS: list[Question] = [
    Question("clarity_1", "clarity", "I can explain in two sentences how we intend to win "
                                      "over the next three years."),
    Question("clarity_2", "clarity", "Our few most important goals for this year are "
                                      "written down and known beyond the leadership team."),
    Question("clarity_3", "clarity", "When priorities compete, it is unclear which one "
                                      "should win.", reverse=True),
    Question("clarity_4", "clarity", "People in my unit can tell how their work connects "
                                      "to the company's strategy."),
    Question("alignment_1", "alignment", "The leadership team agrees on the top three "
                                          "priorities for the coming year."),
    Question("alignment_2", "alignment", "Decisions made together are later reopened or "
                                          "quietly ignored by some leaders.", reverse=True),
    Question("alignment_3", "alignment", "Leaders would give the same answer if asked what "
                                          "we will stop doing this year."),
    Question("alignment_4", "alignment", "Units pursue goals that work against each "
                                          "other.", reverse=True),
    Question("overload_1", "overload", "We run more initiatives than we can properly "
                                        "staff.", reverse=True),
    Question("overload_2", "overload", "My team has time to work on improvement, not only "
                                        "on day-to-day operations."),
    Question("overload_3", "overload", "New work is started without deciding what to "
                                        "stop.", reverse=True),
    Question("overload_4", "overload", "Most of our important projects finish roughly "
                                        "when planned."),
    Question("trust_1", "trust", "People here report bad news early, without fear of "
                                  "blame."),
    Question("trust_2", "trust", "Missing a target would hurt someone's rating or "
                                  "bonus, so targets are set low.", reverse=True),
    Question("trust_3", "trust", "Leaders share openly what is not working in their own "
                                  "area."),
    Question("trust_4", "trust", "Numbers presented in our reviews are polished until "
                                  "they look green.", reverse=True),
]
QUESTION_BY_KEY = {q.key: q for q in QUESTIONS}


def answer_errors(answers: Mapping[str, object]) -> dict[str, str]:
    """{question key: problem} for a set of answers; every question must be answered."""
    errors: dict[str, str] = {}
    for key in answers:
        if key not in QUESTION_BY_KEY:
            errors[key] = "unknown question"
    for q in QUESTIONS:
        value = answers.get(q.key)
        if value is None or value == "":
            errors[q.key] = "please answer this statement"
        elif isinstance(value, bool) or not isinstance(value, int) or value not in SCALE:
            errors[q.key] = "must be a whole number from 1 to 5"
    return errors


def respondent_scores(answers: Mapping[str, int]) -> dict[str, float]:
    """One leader's score per dimension (1–5, higher = readier), from complete answers."""
    by_dimension: dict[str, list[int]] = {key: [] for key in DIMENSION_KEYS}
    for q in QUESTIONS:
        if answers.get(q.key) in SCALE:
            by_dimension[q.dimension].append(q.score(answers[q.key]))
    return {key: statistics.fmean(values) for key, values in by_dimension.items() if values}


@dataclass(frozen=True)
class DimensionResult:
    key: str
    name: str
    mean: float
    lowest: float
    highest: float
    stdev: float  # between respondents (sample); 0 with one respondent
    level: str  # "weak" | "watch" | "strong"
    divided: bool


@dataclass(frozen=True)
class Recommendation:
    dimension: str
    text: str


@dataclass(frozen=True)
class Results:
    respondents: int
    dimensions: list[DimensionResult]
    overall: float | None
    overall_lowest: float | None
    overall_highest: float | None
    recommendations: list[Recommendation]

    @property
    def ready(self) -> bool:
        return self.respondents > 0 and all(d.level != "weak" for d in self.dimensions)


def level(score: float) -> str:
    if score < WEAK:
        return "weak"
    return "strong" if score >= STRONG else "watch"


def results(responses: Sequence[Mapping[str, int]]) -> Results:
    """Scores per dimension and overall across the leaders who answered, the spread
    between them, and what to fix before OKRs (weakest dimension first)."""
    per_respondent = [respondent_scores(a) for a in responses]
    per_respondent = [s for s in per_respondent if s]
    dims: list[DimensionResult] = []
    for d in DIMENSIONS:
        values = [s[d.key] for s in per_respondent if d.key in s]
        if not values:
            continue
        mean = statistics.fmean(values)
        stdev = statistics.stdev(values) if len(values) > 1 else 0.0
        dims.append(DimensionResult(d.key, d.name, mean, min(values), max(values), stdev,
                                    level(mean), stdev >= DIVIDED))
    overall_each = [statistics.fmean(s.values()) for s in per_respondent]
    recs: list[Recommendation] = []
    for d in sorted(dims, key=lambda r: r.mean):
        if d.level == "weak":
            recs.append(Recommendation(d.key, DIMENSION_BY_KEY[d.key].fix))
    for d in dims:
        if d.divided:
            recs.append(Recommendation(d.key, DIMENSION_BY_KEY[d.key].divided))
    return Results(
        respondents=len(per_respondent), dimensions=dims,
        overall=statistics.fmean(d.mean for d in dims) if dims else None,
        overall_lowest=min(overall_each) if overall_each else None,
        overall_highest=max(overall_each) if overall_each else None,
        recommendations=recs)
