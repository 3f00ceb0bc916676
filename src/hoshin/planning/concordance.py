"""How far executives agree on the order of candidate priorities (SPEC §2.2).

Pure computation, no Django: rankings in, Kendall's coefficient of concordance W (with the
correction for ties), the rank table, and where the disagreement sits: the pairs of
executives whose orders correlate least and the items whose ranks are spread widest.

A ranking maps item → position (1 = most important). Positions may tie (two items both
"2") and a ranking may leave items out: the items a rater left out share the positions
after the ranked ones, as one tie (the rater expressed no order among them).

    W = 12·S / (m²(n³−n) − m·ΣT),   S = Σᵢ (Rᵢ − R̄)²,   T = Σ (t³ − t) per rater

with m raters, n items, Rᵢ the sum of the ranks of item i, and t the size of each group of
tied ranks in one rater's ranking (Kendall & Babington Smith 1939; Siegel & Castellan 1988,
§9.4). W is 1 when every rater gives the same order and near 0 when the orders are
unrelated.
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

Item = Hashable
Rater = Hashable

# Schmidt (1997), "Managing Delphi surveys using nonparametric statistical techniques",
# Decision Sciences 28(3): W ≈ 0.1 very weak, 0.3 weak, 0.5 moderate, 0.7 strong,
# 0.9 unusually strong agreement. Below "moderate" the executives do not share an order
# of priorities, which is what the gate is for.
DEFAULT_THRESHOLD = 0.5
STRENGTH_WORDS = [(0.9, "unusually strong"), (0.7, "strong"), (0.5, "moderate"),
                  (0.3, "weak"), (0.0, "very weak")]


def strength(w: float | None) -> str:
    """Schmidt's words for a value of W."""
    if w is None:
        return "not computable"
    return next(word for bound, word in STRENGTH_WORDS if w >= bound - 1e-12)


def midranks(ranking: Mapping[Item, float | None], items: Sequence[Item]) -> dict[Item, float]:
    """A rater's positions turned into ranks 1..n, tied positions sharing their mean rank;
    items left out (or given None) tie after every ranked item."""
    given = {item: ranking[item] for item in items if ranking.get(item) is not None}
    missing = [item for item in items if item not in given]
    order = sorted(given, key=lambda item: given[item])
    ranks: dict[Item, float] = {}
    position = 0
    for _, group in itertools.groupby(order, key=lambda item: given[item]):
        members = list(group)
        mean = position + (len(members) + 1) / 2
        ranks.update((item, mean) for item in members)
        position += len(members)
    if missing:
        mean = position + (len(missing) + 1) / 2
        ranks.update((item, mean) for item in missing)
    return ranks


def tie_term(ranks: Mapping[Item, float]) -> float:
    """Σ (t³ − t) over the groups of tied ranks of one rater."""
    counts: dict[float, int] = {}
    for value in ranks.values():
        counts[value] = counts.get(value, 0) + 1
    return float(sum(t ** 3 - t for t in counts.values()))


def kendall_w(table: Mapping[Rater, Mapping[Item, float]], items: Sequence[Item]) -> float | None:
    """W with the tie correction from a table of midranks (rater → item → rank). None when
    it is undefined: fewer than two raters or items, or every rater tied everything."""
    m, n = len(table), len(items)
    if m < 2 or n < 2:
        return None
    sums = [sum(table[r][item] for r in table) for item in items]
    mean = m * (n + 1) / 2
    s = sum((total - mean) ** 2 for total in sums)
    denominator = m * m * (n ** 3 - n) - m * sum(tie_term(table[r]) for r in table)
    if denominator <= 0:
        return None
    # Rounding may put a perfect agreement a hair above 1.
    return min(1.0, max(0.0, 12 * s / denominator))


def spearman(a: Mapping[Item, float], b: Mapping[Item, float], items: Sequence[Item]
             ) -> float | None:
    """Spearman's rho of two raters: the Pearson correlation of their midranks (the form
    that stays right with ties). None when a rater tied every item."""
    xs = [a[item] for item in items]
    ys = [b[item] for item in items]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    return max(-1.0, min(1.0, sxy / math.sqrt(sxx * syy)))


@dataclass(frozen=True)
class RaterPair:
    a: Rater
    b: Rater
    rho: float | None  # Spearman; -1 = opposite orders, 1 = the same order


@dataclass(frozen=True)
class ItemSpread:
    item: Item
    mean_rank: float
    lowest: float  # the best (smallest) rank any rater gave
    highest: float
    spread: float  # highest − lowest
    stdev: float  # of the ranks between raters


@dataclass(frozen=True)
class Concordance:
    items: list[Item]
    raters: list[Rater]
    ranks: dict[Rater, dict[Item, float]]  # the rank table, midranks
    rank_sums: dict[Item, float]
    mean_ranks: dict[Item, float]
    w: float | None
    chi_square: float | None  # m(n−1)W, about χ² with n−1 degrees of freedom for n > 7
    pairs: list[RaterPair]  # every pair of raters, most disagreeing first
    spreads: list[ItemSpread]  # every item, widest spread first

    @property
    def consensus(self) -> list[Item]:
        """The items in the order of their mean rank (ties keep the given order)."""
        return sorted(self.items, key=lambda item: self.mean_ranks[item])

    @property
    def mean_rho(self) -> float | None:
        rhos = [p.rho for p in self.pairs if p.rho is not None]
        return statistics.fmean(rhos) if rhos else None

    def passes(self, threshold: float) -> bool:
        return self.w is not None and self.w >= threshold


def concordance(rankings: Mapping[Rater, Mapping[Item, float | None]],
                items: Sequence[Item]) -> Concordance:
    """Everything the alignment test shows, from each rater's positions of the items."""
    items = list(items)
    raters = list(rankings)
    table = {r: midranks(rankings[r], items) for r in raters}
    rank_sums = {item: float(sum(table[r][item] for r in raters)) for item in items}
    mean_ranks = {item: rank_sums[item] / len(raters) if raters else 0.0 for item in items}
    w = kendall_w(table, items)
    chi = len(raters) * (len(items) - 1) * w if w is not None else None
    pairs = [RaterPair(a, b, spearman(table[a], table[b], items))
             for a, b in itertools.combinations(raters, 2)]
    # Undefined correlations (a rater who tied everything) go last: they say nothing.
    pairs.sort(key=lambda p: (p.rho is None, p.rho if p.rho is not None else 0.0))
    spreads = []
    for item in items:
        values = [table[r][item] for r in raters]
        if not values:
            continue
        spreads.append(ItemSpread(item, mean_ranks[item], min(values), max(values),
                                  max(values) - min(values),
                                  statistics.pstdev(values) if len(values) > 1 else 0.0))
    spreads.sort(key=lambda s: (-s.spread, -s.stdev))
    return Concordance(items, raters, table, rank_sums, mean_ranks, w, chi, pairs, spreads)
