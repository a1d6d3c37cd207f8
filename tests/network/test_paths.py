"""Warm paths: chains ranked by the product of link strengths, with a reason per hop."""

from __future__ import annotations

from datetime import date, timedelta

from amity.model import PersonRef
from amity.rules.paths import Link, Tie, link_strength, tie_strength, warm_paths

TODAY = date(2026, 11, 25)
ANA, BEN, CLEO, DAN, EVE = (
    PersonRef(i, n) for i, n in enumerate(("Ana", "Ben", "Cleo", "Dan", "Eve"), start=1)
)


def tie(
    ref: PersonRef,
    days_ago: int | None,
    *,
    n: int = 0,
    circle: str | None = None,
    weight: float = 1.0,
) -> Tie:
    last = None if days_ago is None else TODAY - timedelta(days=days_ago)
    return Tie(ref, last, n, circle, weight)


def test_a_recent_frequent_inner_tie_is_stronger_than_an_old_one() -> None:
    close, _ = tie_strength(tie(ANA, 3, n=12, circle="inner", weight=4.0), TODAY)
    stale, why = tie_strength(tie(BEN, 300, n=1, circle="acquaintance", weight=1.0), TODAY)
    never, never_why = tie_strength(tie(CLEO, None), TODAY)
    assert close > stale > never >= 0.05
    assert close == 1.0
    assert "talked 300 days ago" in why and "circle acquaintance" in why
    assert never_why.startswith("never talked")


def test_known_health_counts_for_most_of_the_tie() -> None:
    healthy, why = tie_strength(
        Tie(ANA, TODAY - timedelta(days=40), 0, None, 1.0, health=90), TODAY
    )
    sick, _ = tie_strength(Tie(ANA, TODAY - timedelta(days=40), 0, None, 1.0, health=10), TODAY)
    assert healthy - sick > 0.4
    assert "health 90" in why


def test_links_by_kind_and_old_evidence_fades() -> None:
    assert (
        link_strength(Link(1, 2, "spouse", "married"), TODAY)
        > link_strength(Link(1, 2, "colleague", "colleagues"), TODAY)
        > link_strength(Link(1, 2, "event", "both at X"), TODAY)
    )
    fresh = link_strength(Link(1, 2, "introduced", "x", TODAY - timedelta(days=100)), TODAY)
    old = link_strength(Link(1, 2, "introduced", "x", TODAY - timedelta(days=365 * 3)), TODAY)
    ancient = link_strength(Link(1, 2, "introduced", "x", TODAY - timedelta(days=365 * 30)), TODAY)
    assert fresh == 0.6 and old < fresh
    assert ancient == round(0.6 * 0.6, 4)  # never below 60 % of the strength


def test_a_warm_chain_beats_a_cold_direct_contact() -> None:
    ties = [tie(ANA, 2, n=10, circle="inner", weight=4.0), tie(DAN, None)]
    links = [Link(ANA.id, DAN.id, "friend", "friends")]
    paths = warm_paths(ties, links, [DAN.id], TODAY)
    assert [p.introducers for p in paths] == [[ANA], []]
    best = paths[0]
    assert best.strength == round(1.0 * 0.85, 4)
    assert [h.reason for h in best.hops] == [
        "talked 2 days ago, 10 interactions in a year, circle inner",
        "friends",
    ]
    assert best.explain().startswith("you -> Ana (")
    assert best.hops[0].source is None and best.hops[1].source == ANA


def test_the_strongest_link_between_two_people_is_the_one_used() -> None:
    ties = [tie(ANA, 1, n=6, weight=4.0), tie(DAN, None)]
    links = [
        Link(ANA.id, DAN.id, "event", "both at PyCon"),
        Link(DAN.id, ANA.id, "colleague", "colleagues"),
    ]
    best = warm_paths(ties, links, [DAN.id], TODAY)[0]
    assert best.hops[-1].reason == "colleagues"


def test_alternatives_are_ranked_and_each_introducer_appears_once_per_target() -> None:
    ties = [
        tie(ANA, 5, n=6, weight=4.0),
        tie(BEN, 100, n=2, weight=2.0),
        tie(CLEO, 10, n=6, weight=3.0),
        tie(DAN, None),
    ]
    links = [
        Link(ANA.id, DAN.id, "colleague", "colleagues"),
        Link(BEN.id, DAN.id, "friend", "friends"),
        Link(ANA.id, CLEO.id, "friend", "friends"),
        Link(CLEO.id, DAN.id, "event", "both at PyCon"),
    ]
    paths = warm_paths(ties, links, [DAN.id], TODAY, limit=10)
    strengths = [p.strength for p in paths]
    assert strengths == sorted(strengths, reverse=True)
    firsts = [(p.hops[0].target.id if len(p.hops) > 1 else None) for p in paths]
    assert len(firsts) == len(set(firsts))  # one chain per (first introducer, target)
    assert paths[0].introducers == [ANA]


def test_chains_longer_than_max_hops_are_left_out() -> None:
    ties = [tie(ANA, 1, n=6, weight=4.0), tie(BEN, None), tie(CLEO, None), tie(DAN, None)]
    links = [
        Link(ANA.id, BEN.id, "friend", "f"),
        Link(BEN.id, CLEO.id, "friend", "f"),
        Link(CLEO.id, DAN.id, "friend", "f"),
    ]
    long_ones = warm_paths(ties, links, [DAN.id], TODAY, limit=10, max_hops=4)
    short_ones = warm_paths(ties, links, [DAN.id], TODAY, limit=10, max_hops=2)
    assert any(len(p.hops) == 4 for p in long_ones)
    assert all(len(p.hops) <= 2 for p in short_ones)


def test_a_group_target_is_reached_through_its_best_member_and_never_through_another() -> None:
    ties = [tie(ANA, 1, n=6, weight=4.0), tie(BEN, None), tie(CLEO, None)]
    links = [
        Link(ANA.id, BEN.id, "colleague", "colleagues"),
        Link(BEN.id, CLEO.id, "org", "both at Acme"),
    ]
    paths = warm_paths(ties, links, [BEN.id, CLEO.id], TODAY, limit=10)
    assert paths[0].target == BEN
    for p in paths:
        assert all(h.target not in (BEN, CLEO) for h in p.hops[:-1])


def test_unknown_targets_and_links_to_strangers_are_ignored() -> None:
    ties = [tie(ANA, 1)]
    assert warm_paths(ties, [Link(ANA.id, 99, "friend", "f")], [99], TODAY) == []
    assert warm_paths(ties, [], [ANA.id], TODAY, limit=0) == []
    assert warm_paths([], [], [1], TODAY) == []


def test_warm_path_invariants_on_random_networks() -> None:
    """Any network: chains end at a target, pass through none, respect max_hops, and their
    strength is the product of their links, strongest first."""
    import math

    from hypothesis import given, settings
    from hypothesis import strategies as st

    people = [PersonRef(i, f"P{i}") for i in range(1, 9)]
    kinds = st.sampled_from(["friend", "colleague", "event", "org", "introduced", "other"])

    @settings(max_examples=60, deadline=None)
    @given(
        days=st.lists(st.one_of(st.none(), st.integers(0, 800)), min_size=8, max_size=8),
        edges=st.lists(st.tuples(st.integers(1, 8), st.integers(1, 8), kinds), max_size=20),
        targets=st.sets(st.integers(1, 8), min_size=1, max_size=3),
        hops=st.integers(1, 4),
    )
    def check(
        days: list[int | None], edges: list[tuple[int, int, str]], targets: set[int], hops: int
    ) -> None:
        ties = [tie(p, d, n=(d or 0) % 7) for p, d in zip(people, days, strict=True)]
        links = [Link(a, b, k, k) for a, b, k in edges]
        paths = warm_paths(ties, links, targets, TODAY, limit=5, max_hops=hops)
        assert paths  # you know everyone directly, so a target is always reachable
        strengths = [p.strength for p in paths]
        assert strengths == sorted(strengths, reverse=True)
        for p in paths:
            assert p.target.id in targets and len(p.hops) <= hops
            assert all(h.target.id not in targets for h in p.hops[:-1])
            assert math.isclose(p.strength, math.prod(h.strength for h in p.hops), abs_tol=1e-3)
            assert p.hops[0].source is None

    check()
