"""The arithmetic of standing, on plain values (no Django): a zone's rank among its province's zones computed from a
published list, the bounds a stated province rank must lie in to agree with the list, the peers just above and
below, the exit rule (last five nationally two years running) and the distance to a goal.

A published list is often incomplete (the ministry publishes the top 30; a provincial paper lists only its own
province's zones): ``complete_to`` says down to which rank every zone is listed, ``province_complete_to`` the same
for one province's zones. A province rank is computed only where the list leaves no doubt; otherwise it is None and
``province_rank_bounds`` gives the range the list allows.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

# The 34 provincial-level divisions, as a published result names a zone's province.
PROVINCES = frozenset((
    "北京市", "天津市", "上海市", "重庆市", "河北省", "山西省", "辽宁省", "吉林省", "黑龙江省", "江苏省", "浙江省", "安徽省",
    "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省", "海南省", "四川省", "贵州省", "云南省", "陕西省",
    "甘肃省", "青海省", "台湾省", "内蒙古自治区", "广西壮族自治区", "西藏自治区", "宁夏回族自治区", "新疆维吾尔自治区",
    "香港特别行政区", "澳门特别行政区"))

EXIT_PLACES = 5  # the last five places nationally …
EXIT_YEARS = 2  # … two evaluations running: the zone is removed from the national list


@dataclass(frozen=True)
class Entry:
    """One zone's place in a published list."""

    subject: str
    province: str
    rank: int | None


def _above(entries: Iterable[Entry], rank: int, province: str | None = None) -> list[Entry]:
    return [e for e in entries if e.rank is not None and e.rank < rank
            and (province is None or e.province == province)]


def is_complete_at(rank: int | None, province: str, *, complete_to: int = 0,
                   province_complete_to: Mapping[str, int] | None = None) -> bool:
    """Whether every zone of ``province`` ranked above ``rank`` is in the list."""
    if rank is None:
        return False
    depth = max(complete_to or 0, int((province_complete_to or {}).get(province, 0) or 0))
    return rank <= depth


def province_rank(entries: Sequence[Entry], *, rank: int | None, province: str, complete_to: int = 0,
                  province_complete_to: Mapping[str, int] | None = None) -> int | None:
    """The place among the zones of ``province`` of a zone ranked ``rank``: 1 + the zones of the province listed
    above it, when the list is complete down to that rank (for all zones, or for that province's); else None."""
    if not province or not is_complete_at(rank, province, complete_to=complete_to,
                                          province_complete_to=province_complete_to):
        return None
    return 1 + len(_above(entries, rank, province))


def province_rank_bounds(entries: Sequence[Entry], *, rank: int | None, province: str) -> tuple[int, int] | None:
    """(lowest, highest) province rank the list allows for a zone ranked ``rank``: the zones of the province listed
    above it come first; every place above it not taken by a listed zone could hold another zone of the province."""
    if rank is None or not province:
        return None
    listed_above = _above(entries, rank)
    same = sum(1 for e in listed_above if e.province == province)
    free = max(rank - 1 - len({e.rank for e in listed_above}), 0)
    return 1 + same, 1 + same + free


def rank_conflict(entries: Sequence[Entry], *, subject: str, rank: int | None) -> str | None:
    """Another zone the list puts at ``rank`` (a statement that cannot be true), else None."""
    if rank is None:
        return None
    for e in entries:
        if e.rank == rank and e.subject != subject:
            return e.subject
    return None


def peers(entries: Sequence[Entry], rank: int, n: int = 2) -> tuple[list[Entry], list[Entry]]:
    """The ``n`` listed zones just above ``rank`` (nearest last) and the ``n`` just below (nearest first)."""
    ranked = sorted((e for e in entries if e.rank is not None), key=lambda e: e.rank)
    above = [e for e in ranked if e.rank < rank][-n:]
    below = [e for e in ranked if e.rank > rank][:n]
    return above, below


def in_last_places(rank: int | None, of: int | None, places: int = EXIT_PLACES) -> bool | None:
    """Whether ``rank`` out of ``of`` is among the last ``places``; None when either is unknown."""
    if rank is None or of is None:
        return None
    return rank > of - places


@dataclass(frozen=True)
class ExitWatch:
    """The exit rule watched: "red" (last five two evaluations running), "yellow" (last five in the latest one),
    "green" (not in the last five in the latest one), "unknown" (no national rank with its number of zones)."""

    state: str
    year: int | None = None  # the latest evaluation read
    rank: int | None = None
    of: int | None = None
    years: tuple[int, ...] = ()  # the evaluations in the last five, latest run


def exit_watch(results: Iterable[tuple[int, int | None, int | None]]) -> ExitWatch:
    """``results``: (evaluation year, national overall rank, zones evaluated) of one zone, any order."""
    known = sorted(((y, r, o) for y, r, o in results if in_last_places(r, o) is not None), key=lambda t: t[0])
    if not known:
        return ExitWatch("unknown")
    year, rank, of = known[-1]
    if not in_last_places(rank, of):
        return ExitWatch("green", year, rank, of)
    run = [year]
    by_year = {y: (r, o) for y, r, o in known}
    while len(run) < EXIT_YEARS and (run[-1] - 1) in by_year and in_last_places(*by_year[run[-1] - 1]):
        run.append(run[-1] - 1)
    return ExitWatch("red" if len(run) >= EXIT_YEARS else "yellow", year, rank, of, tuple(sorted(run)))


@dataclass(frozen=True)
class Distance:
    """How far a zone is from its goal. ``met`` None: unknown (no result yet). ``gap``: places to climb (rank goal)
    or points short (score goal), 0 or less when met. ``at_least``: the zone is not in a list complete down to some
    rank, so the gap is at least ``gap``."""

    met: bool | None
    gap: int | Decimal | None = None
    at_least: bool = False


def goal_distance(*, kind: str, target_rank: int | None = None, target_score: Decimal | None = None,
                  rank: int | None = None, score: Decimal | None = None, absent_beyond: int | None = None) -> Distance:
    """Distance to a rank goal ("rank": be ranked ``target_rank`` or better) or a score goal ("score": reach
    ``target_score``, e.g. the threshold of 第一等次). ``absent_beyond``: the zone is absent from a list complete down
    to that rank, so its rank is at least ``absent_beyond + 1``."""
    if kind == "rank" and target_rank is not None:
        if rank is not None:
            gap = rank - target_rank
            return Distance(gap <= 0, gap)
        if absent_beyond is not None:
            gap = absent_beyond + 1 - target_rank
            return Distance(False if gap > 0 else None, gap if gap > 0 else None, at_least=gap > 0)
        return Distance(None)
    if kind == "score" and target_score is not None:
        if score is None:
            return Distance(None)
        gap = Decimal(target_score) - Decimal(score)
        return Distance(gap <= 0, gap)
    return Distance(None)
