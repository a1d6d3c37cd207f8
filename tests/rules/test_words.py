"""Plurals, articles and counts (issue 12: "Logged a email", "1 people merged")."""

from __future__ import annotations

from datetime import timedelta

import pytest

from amity.rules.dates import plural
from amity.rules.replies import ResponseTimes
from amity.rules.words import (
    count_label,
    counted,
    duration_words,
    join_names,
    plural_of,
    singular_of,
    with_article,
)


@pytest.mark.parametrize(
    ("count", "noun", "expected"),
    [
        (0, "person", "0 people"),
        (1, "person", "1 person"),
        (2, "person", "2 people"),
        (1, "day", "1 day"),
        (3, "reply", "3 replies"),
        (2, "match", "2 matches"),
        (2, "key", "2 keys"),
        (2, "possible duplicate", "2 possible duplicates"),
        (5, "answered message", "5 answered messages"),
    ],
)
def test_counted(count: int, noun: str, expected: str) -> None:
    assert counted(count, noun) == expected
    assert plural(count, noun) == expected  # the older helper follows the same rule


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("email", "an email"),
        ("event", "an event"),
        ("meeting", "a meeting"),
        ("call", "a call"),
        ("video", "a video"),
        ("other", "an other"),
        ("hour", "an hour"),
        ("user", "a user"),
        ("one-on-one", "a one-on-one"),
    ],
)
def test_with_article(word: str, expected: str) -> None:
    assert with_article(word) == expected


@pytest.mark.parametrize(
    ("count", "key", "expected"),
    [
        (1, "people_merged", "1 person merged"),
        (2, "people_merged", "2 people merged"),
        (1, "people_new", "1 new person"),
        (3, "people_new", "3 new people"),
        (1, "interactions_skipped", "1 interaction skipped"),
        (1, "errors", "1 error"),
        (2, "errors", "2 errors"),
        (1, "unknown_people", "1 unknown person"),
        (1, "contact_points", "1 contact point"),
        (1, "fields_updated", "1 field updated"),
        (4, "created", "4 created"),
    ],
)
def test_count_label(count: int, key: str, expected: str) -> None:
    assert count_label(count, key) == expected


def test_plural_and_singular_round_trip() -> None:
    for word in ("person", "reply", "match", "day", "contact point", "feedback"):
        assert singular_of(plural_of(word)) == word


def test_durations_and_names_in_words() -> None:
    assert duration_words(timedelta(seconds=20)) == "under a minute"
    assert duration_words(timedelta(minutes=45)) == "45 minutes"
    assert duration_words(timedelta(hours=1)) == "60 minutes"
    assert duration_words(timedelta(hours=3)) == "3 hours"
    assert duration_words(timedelta(days=2)) == "2 days"
    assert duration_words(timedelta(days=40)) == "6 weeks"
    assert join_names(["Ana"]) == "Ana"
    assert join_names(["Ana", "Ben"]) == "Ana and Ben"
    assert join_names(["Ana", "Ben", "Chen"]) == "Ana, Ben and Chen"


def test_response_times_in_words_not_a_repr() -> None:
    """Issue 12: the Awaiting page printed ResponseTimes(count=1, median=datetime...)."""
    times = ResponseTimes(12, timedelta(hours=3), timedelta(days=2))
    assert times.describe() == (
        "Over 12 answered messages: half within 3 hours, 9 in 10 within 2 days."
    )
    assert ResponseTimes(1, timedelta(minutes=30), timedelta(minutes=30)).describe() == (
        "Over 1 answered message: half within 30 minutes."
    )
    assert ResponseTimes(0, None, None).describe() == "No answered messages yet."
