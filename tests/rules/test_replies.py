"""Messages awaiting a reply (thread-aware) and response-time statistics."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from amity.rules.replies import Message, awaiting_replies, percentile, response_times

T0 = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)


def msg(
    id: int,
    hours: float,
    direction: str = "inbound",
    *,
    person: int = 1,
    thread: str | None = None,
    needs_reply: bool | None = None,
) -> Message:
    if needs_reply is None:
        needs_reply = direction == "inbound"
    return Message(id, person, direction, T0 + timedelta(hours=hours), thread, needs_reply)


NOW = T0 + timedelta(days=10)


def waiting_ids(messages: list[Message]) -> list[int]:
    return [a.message.id for a in awaiting_replies(messages, NOW)]


def test_inbound_awaits_until_an_outbound_after_it() -> None:
    assert waiting_ids([msg(1, 0)]) == [1]
    assert waiting_ids([msg(1, 0), msg(2, 5, "outbound")]) == []


def test_an_outbound_before_it_does_not_answer() -> None:
    assert waiting_ids([msg(2, -5, "outbound"), msg(1, 0)]) == [1]


def test_an_outbound_at_the_same_instant_does_not_answer() -> None:
    assert waiting_ids([msg(2, 0, "outbound"), msg(1, 0)]) == [1]


def test_an_outbound_to_someone_else_does_not_answer() -> None:
    assert waiting_ids([msg(1, 0), msg(2, 5, "outbound", person=2)]) == [1]


def test_inbound_not_needing_a_reply_never_awaits() -> None:
    assert waiting_ids([msg(1, 0, needs_reply=False)]) == []


def test_mutual_interactions_do_not_answer() -> None:
    assert waiting_ids([msg(1, 0), msg(2, 5, "mutual")]) == [1]


def test_thread_aware() -> None:
    messages = [msg(1, 0, thread="a"), msg(2, 1, thread="b"), msg(3, 2, "outbound", thread="b")]
    assert waiting_ids(messages) == [1]
    # an outbound without a thread key (a call) answers everything waiting from that person
    assert waiting_ids([*messages, msg(4, 3, "outbound")]) == []
    # an inbound without a thread key is answered by any later outbound
    assert waiting_ids([msg(5, 0), msg(6, 1, "outbound", thread="z")]) == []


def test_oldest_first_with_age() -> None:
    found = awaiting_replies([msg(1, 48), msg(2, 0, person=2)], NOW)
    assert [a.message.id for a in found] == [2, 1]
    assert [a.days for a in found] == [10, 8]


def test_response_times_median_and_p90() -> None:
    messages = []
    for i, delay in enumerate([1, 2, 3, 4, 10]):
        base = i * 100
        messages += [msg(10 * i, base), msg(10 * i + 1, base + delay, "outbound")]
    messages += [msg(99, 0, person=2), msg(98, 6, "outbound", person=2)]
    messages += [msg(97, 500, person=2)]  # unanswered: not in the statistics
    stats = response_times(messages)
    assert stats.overall.count == 6
    assert stats.overall.median == timedelta(hours=3.5)
    assert stats.per_person[1].median == timedelta(hours=3)
    assert stats.per_person[1].p90 == timedelta(hours=7.6)  # 4 + 0.6 x (10 - 4)
    assert stats.per_person[2].count == 1
    assert stats.per_person[2].p90 == timedelta(hours=6)


def test_no_answers() -> None:
    stats = response_times([msg(1, 0)])
    assert (stats.overall.count, stats.overall.median, stats.overall.p90) == (0, None, None)
    assert stats.per_person == {}


def test_one_outbound_answers_every_earlier_message_in_its_thread() -> None:
    messages = [msg(1, 0, thread="a"), msg(2, 2, thread="a"), msg(3, 4, "outbound", thread="a")]
    stats = response_times(messages)
    assert stats.overall.count == 2
    assert stats.overall.median == timedelta(hours=3)


@given(st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1))
def test_percentiles_stay_within_the_data(values: list[float]) -> None:
    ordered = sorted(values)
    for pct in (0, 50, 90, 100):
        assert ordered[0] <= percentile(ordered, pct) <= ordered[-1]
    assert percentile(ordered, 0) == ordered[0]
    assert percentile(ordered, 100) == ordered[-1]


def test_answered_by_a_newly_logged_outbound() -> None:
    from amity.rules.replies import answered_by

    pending = [msg(1, 0, thread="a"), msg(2, 1, thread="b"), msg(3, 2, person=2), msg(4, 30)]
    assert [m.id for m in answered_by(msg(9, 10, "outbound", thread="a"), pending)] == [1]
    assert [m.id for m in answered_by(msg(9, 10, "outbound"), pending)] == [1, 2]
    assert answered_by(msg(9, 10, "inbound"), pending) == []
