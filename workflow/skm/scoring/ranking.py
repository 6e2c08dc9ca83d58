"""The unsur ranked by their exact NRR, ties kept together (no pandas: the documents' shims and
the infographic read it without the scoring stack)."""

from __future__ import annotations

from fractions import Fraction

__all__ = ["highest", "lowest", "ranking"]


def ranking(unsur: list[dict]) -> list[list[dict]]:
    """Unsur grouped by exactly equal NRR (ties share a group), lowest first."""
    groups: dict[Fraction, list[dict]] = {}
    for row in unsur:
        key = Fraction(*row["exact"]["nrr"])
        groups.setdefault(key, []).append(row)
    return [groups[k] for k in sorted(groups)]


def lowest(unsur: list[dict], k: int = 3) -> list[list[dict]]:
    """Tie groups covering the k lowest unsur (a tie at the edge includes the whole group)."""
    chosen, count = [], 0
    for group in ranking(unsur):
        if count >= k:
            break
        chosen.append(group)
        count += len(group)
    return chosen


def highest(unsur: list[dict], k: int = 3) -> list[list[dict]]:
    """Tie groups covering the k highest unsur, highest first."""
    chosen, count = [], 0
    for group in reversed(ranking(unsur)):
        if count >= k:
            break
        chosen.append(group)
        count += len(group)
    return chosen
