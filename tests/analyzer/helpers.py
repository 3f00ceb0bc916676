from hoshin.analyzer.report import check


def found(cycle_key: str, **overrides) -> set[tuple[str, tuple[str, ...]]]:
    """(code, item ids) of every finding of a cycle."""
    return {(f.code, tuple(i.id for i in f.items))
            for f in check(cycle_key, overrides=overrides).findings}


def codes_for(cycle_key: str, item_id: str, **overrides) -> set[str]:
    return {code for code, ids in found(cycle_key, **overrides) if item_id in ids}


STRUCTURAL = {"orphan-objective", "missing-owner", "shared-owner", "gap", "too-many-objectives",
              "too-many-krs", "overloaded-owner", "too-many-themes", "missing-dependency",
              "silos"}
