"""The agenda through the Book, on SQLite and PostgreSQL: every kind of item comes out of the
stored data, and what the user does to items is stored and honoured."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event, select

from amity.book import Book, PersonInput
from amity.book.agenda.cache import INPUTS
from amity.errors import InvalidInput, NotFound
from amity.store import schema as s
from tests.agenda.helpers import NOW, TODAY, add, add_job, bulk_people, event_with, talk
from tests.conftest import Clock, new_book


def keys(book: Book, **kw: object) -> list[str]:
    return [a.key for a in book.agenda.items(**kw)]  # type: ignore[arg-type]


def by_kind(book: Book, kind: str, **kw: object) -> list:  # type: ignore[type-arg]
    return [a for a in book.agenda.items(**kw) if a.kind == kind]  # type: ignore[arg-type]


class TestEveryKindComesFromTheBook:
    def test_keep_in_touch_with_the_circle_cadence_and_its_reason(self, book: Book) -> None:
        ana = add(book, "Ana Lima", circle="close")
        talk(book, ana, 47, kind="call")
        [item] = by_kind(book, "keep_in_touch")
        assert item.key == f"keep_in_touch:p{ana}:{(TODAY - timedelta(days=47)).isoformat()}"
        assert item.reason == "Ana Lima: 47 days since you last talked, cadence 30 (overdue)"
        assert item.score == pytest.approx(47 / 30 * 3.0, abs=0.01)  # close weighs 3

    def test_any_interaction_restarts_the_cadence(self, book: Book) -> None:
        ana = add(book, "Ana Lima", circle="close")
        talk(book, ana, 47, kind="call")
        talk(book, ana, 2, kind="message", direction="inbound")
        assert by_kind(book, "keep_in_touch") == []

    def test_person_override_and_never(self, book: Book) -> None:
        ana = add(book, "Ana Lima", circle="close", cadence="10w")
        talk(book, ana, 47)
        assert by_kind(book, "keep_in_touch") == []
        book.people.edit(ana, PersonInput(cadence="3w"))
        assert len(by_kind(book, "keep_in_touch")) == 1
        book.people.edit(ana, PersonInput(cadence="never"))
        assert by_kind(book, "keep_in_touch") == []

    def test_circle_cadence_change_applies(self, book: Book) -> None:
        ana = add(book, "Ana Lima", circle="network")
        talk(book, ana, 47)
        assert by_kind(book, "keep_in_touch") == []
        book.circle_settings.set("network", every="6w")
        assert len(by_kind(book, "keep_in_touch")) == 1

    def test_archived_people_get_no_items(self, book: Book) -> None:
        ana = add(book, "Ana Lima", circle="close", birthday="--11-25")
        talk(book, ana, 47)
        book.people.archive(ana)
        assert keys(book) == []

    def test_birthdays_with_and_without_year_and_leap_day(self, book: Book, clock: Clock) -> None:
        add(book, "Ana Lima", birthday="1990-11-28")
        add(book, "Ben Ode", birthday="--11-25")
        add(book, "Leap Lee", birthday="2000-02-29")
        reasons = sorted(a.reason for a in by_kind(book, "date"))
        assert reasons == [
            "Ana Lima turns 36 on Saturday 28 November",
            "Ben Ode's birthday is today",
        ]
        clock.set(datetime(2027, 2, 28, 12, tzinfo=UTC))  # a common year: 29 Feb falls on the 28th
        [leap] = [a for a in by_kind(book, "date") if "Leap" in a.reason]
        assert leap.reason == "Leap Lee turns 27 today"
        assert leap.key.endswith(":2027")

    def test_work_anniversary_from_a_job_start(self, book: Book) -> None:
        ana = add(book, "Ana Lima")
        add_job(book, ana, "Acme", date(2020, 11, 26))
        [item] = by_kind(book, "date")
        assert item.reason == "Ana Lima: 6 years at Acme tomorrow"

    def test_promises_both_ways_and_a_reply(self, book: Book) -> None:
        ana = add(book, "Ana Lima")
        ben = add(book, "Ben Ode")
        mine = book.commitments.add(ana, "send the deck", due_on=TODAY + timedelta(days=1))
        book.commitments.add(
            ben, "intro to Cleo", direction="theirs", due_on=TODAY - timedelta(days=3)
        )
        book.commitments.add(ben, "far away", direction="mine", due_on=TODAY + timedelta(days=30))
        reply = talk(book, ben, 2, kind="email", needs_reply=True, subject="Lunch?")
        found = {a.kind: a for a in book.agenda.items()}
        assert set(found) == {"promise_mine", "promise_theirs", "reply"}
        assert found["promise_mine"].key == f"promise:c{mine.id}"
        assert found["reply"].key == f"reply:i{reply}"
        assert found["reply"].reason == 'Reply to Ben Ode about "Lunch?" (waiting 2 days)'

    def test_explicit_follow_up_and_newly_met(self, book: Book) -> None:
        ana = add(book, "Ana Lima")
        add(book, "Ben Ode", met_on=TODAY - timedelta(days=3))
        book.follow_ups.add(ana, "ask about the move", TODAY)
        book.follow_ups.add(ana, "later", TODAY + timedelta(days=5))
        reasons = sorted(a.reason for a in by_kind(book, "follow_up"))
        assert reasons == [
            "Follow up with Ana Lima: ask about the move, due today",
            "Follow up with Ben Ode: you met 3 days ago and have not been in touch since",
        ]

    def test_event_follow_up_is_one_grouped_item(self, book: Book) -> None:
        people = [add(book, f"Guest {i}") for i in range(4)]
        event_id = event_with(book, "PyCon US 2026", TODAY - timedelta(days=3), people)
        talk(book, people[0], 1)  # one of them is already followed up
        [item] = by_kind(book, "event_follow_up")
        assert item.key == f"event_follow_up:e{event_id}"
        assert item.reason == "Follow up with 3 people you met at PyCon US 2026"
        assert [p.id for p in item.people] == people[1:]

    def test_today_is_the_configured_time_zones_date(self, book: Book, clock: Clock) -> None:
        add(book, "Ben Ode", birthday="--11-26")
        clock.set(datetime(2026, 11, 25, 23, 30, tzinfo=UTC))
        assert book.today() == date(2026, 11, 25)
        assert "tomorrow" in by_kind(book, "date")[0].reason
        book.settings.set("timezone", "Asia/Tokyo")
        assert book.today() == date(2026, 11, 26)
        assert "today" in by_kind(book, "date")[0].reason

    def test_limit(self, book: Book) -> None:
        for name in ("Ana", "Ben", "Cleo"):
            add(book, name, birthday="--11-25")
        assert len(book.agenda.items(limit=2)) == 2
        with pytest.raises(InvalidInput):
            book.agenda.items(limit=0)


class TestWhatTheUserDid:
    def test_done_keep_in_touch_counts_as_contact(self, book: Book, clock: Clock) -> None:
        ana = add(book, "Ana Lima", circle="close")
        talk(book, ana, 47)
        [key] = keys(book)
        book.agenda.done(key)
        assert keys(book) == []
        clock.advance(days=29)
        assert keys(book) == []
        clock.advance(days=1)  # 30 days after it was marked done: the cadence ran out again
        assert keys(book) == [f"keep_in_touch:p{ana}:{TODAY.isoformat()}"]
        assert book.health.of(ana).factor("recency").explanation.startswith("30 days since")

    def test_snooze_hides_until_its_date(self, book: Book, clock: Clock) -> None:
        add(book, "Ben Ode", birthday="--11-30")
        [key] = keys(book)
        book.agenda.snooze(key, TODAY + timedelta(days=3))
        assert keys(book) == []
        assert keys(book, today=TODAY + timedelta(days=2)) == []
        assert keys(book, today=TODAY + timedelta(days=3)) == [key]
        with pytest.raises(InvalidInput, match="snooze until a day after"):
            book.agenda.snooze(key, TODAY)

    def test_dismiss_hides_for_good_but_next_year_comes_back(self, book: Book) -> None:
        add(book, "Ben Ode", birthday="--11-25")
        [key] = keys(book)
        book.agenda.dismiss(key)
        assert keys(book) == []
        assert keys(book, today=date(2027, 11, 25)) == [key.replace("2026", "2027")]
        assert book.agenda.restore(key) is True
        assert keys(book) == [key]

    def test_done_closes_promises_follow_ups_and_replies(self, book: Book) -> None:
        ana = add(book, "Ana Lima")
        promise = book.commitments.add(ana, "send the deck", due_on=TODAY)
        follow = book.follow_ups.add(ana, "ask", TODAY)
        reply = talk(book, ana, 1, needs_reply=True, kind="email")
        for key in keys(book):
            book.agenda.done(key)
        assert keys(book) == []
        assert book.commitments.get(promise.id or 0).status == "done"
        assert book.follow_ups.list() == []
        assert book.interactions.get(reply).replied_at == NOW
        assert book.replies.awaiting() == []
        assert follow.id is not None

    def test_bad_and_foreign_keys_are_refused(self, book: Book, db_url: str, clock: Clock) -> None:
        with pytest.raises(InvalidInput, match="not an agenda key"):
            book.agenda.done("nonsense")
        with pytest.raises(NotFound):
            book.agenda.done("promise:c999999")
        with pytest.raises(NotFound):  # beyond a 32-bit id: not found, not a database error
            book.agenda.snooze("promise:c99999999999", TODAY + timedelta(days=1))
        with pytest.raises(NotFound):
            book.commitments.done(99999999999)
        with pytest.raises(NotFound):
            book.follow_ups.done(99999999999)
        other = new_book(db_url, clock)
        theirs = add(other, "Someone Else")
        with pytest.raises(NotFound):
            book.agenda.dismiss(f"keep_in_touch:p{theirs}:2026-01-01")
        with book.ctx.read() as conn:
            stored = conn.execute(
                select(s.agenda_states).where(s.agenda_states.c.owner_id == book.owner_id)
            ).all()
        assert stored == []


class TestLoadingIsSetBased:
    def _count_statements(self, book: Book) -> int:
        statements: list[str] = []

        def record(conn, cursor, statement, params, context, executemany):  # type: ignore[no-untyped-def]
            statements.append(statement)

        INPUTS.clear()  # loading is what is counted, not the cache (tests/agenda/test_cache.py)
        event.listen(book.ctx.engine, "before_cursor_execute", record)
        try:
            items = book.agenda.items()
        finally:
            event.remove(book.ctx.engine, "before_cursor_execute", record)
        assert items, "the book should have items"
        return len(statements)

    def test_same_number_of_queries_for_10_and_200_people(
        self, book: Book, db_url: str, clock: Clock
    ) -> None:
        small = new_book(db_url, clock)
        bulk_people(small, 10)
        bulk_people(book, 200)
        assert len(book.agenda.items()) == 200 * 5  # keep in touch, date, promise, follow-up, reply
        few, many = self._count_statements(small), self._count_statements(book)
        assert few == many
        # BEGIN, the data version, the time zone, settings, dates, jobs, follow-ups,
        # attendance, promises, replies, states, one EXISTS for the network's inputs
        # (book/agenda/network.py), people
        assert many <= 13


class TestCommitments:
    def test_add_list_done_drop_and_kept_rate(self, book: Book, clock: Clock) -> None:
        ana = add(book, "Ana Lima")
        ben = add(book, "Ben Ode")
        early = book.commitments.add(ana, "send the deck", due_on=TODAY + timedelta(days=2))
        late = book.commitments.add(ana, "call back", due_on=TODAY - timedelta(days=1))
        theirs = book.commitments.add(ben, "intro", direction="theirs")
        dropped = book.commitments.add(ben, "maybe", due_on=TODAY - timedelta(days=9))
        assert [c.id for c in book.commitments.list(status="overdue")] == [dropped.id, late.id]
        assert [c.id for c in book.commitments.list(direction="theirs")] == [theirs.id]
        book.commitments.done(early.id or 0)
        book.commitments.drop(dropped.id or 0)
        with pytest.raises(InvalidInput, match="already done"):
            book.commitments.done(early.id or 0)
        clock.advance(days=1)
        book.commitments.done(late.id or 0)
        report = book.commitments.reliability()
        assert (report.overall.kept, report.overall.late) == (1, 1)
        assert report.per_person[0][0].name == "Ana Lima"
        assert [c.status for c in book.commitments.list(status="all")] == [
            "dropped",
            "done",
            "done",
            "open",
        ]

    def test_bad_input(self, book: Book) -> None:
        ana = add(book, "Ana Lima")
        with pytest.raises(InvalidInput):
            book.commitments.add(ana, "   ")
        with pytest.raises(InvalidInput):
            book.commitments.add(ana, "x", direction="ours")
        with pytest.raises(NotFound):
            book.commitments.done(424242)
        with pytest.raises(InvalidInput):
            book.commitments.list(status="sideways")
        with pytest.raises(InvalidInput):
            book.follow_ups.add(ana, "broken \udcff text", TODAY)
        assert book.commitments.add(ana, "nul\x00 stripped").text == "nul stripped"
        with pytest.raises(InvalidInput):
            book.circle_settings.set("bad\udcff", every="3d", create=True)


class TestCircles:
    def test_set_cadence_weight_and_new(self, book: Book) -> None:
        close = book.circle_settings.set("Close", every="6w", weight=2.5)
        assert (close["cadence_days"], close["weight"]) == (42, 2.5)
        assert book.circle_settings.set("close", every="never")["cadence_days"] is None
        with pytest.raises(InvalidInput, match="no circle 'mentors'"):
            book.circle_settings.set("mentors", every="30d")
        assert book.circle_settings.set("mentors", every="30d", create=True)["cadence_days"] == 30
        assert [c["name"] for c in book.circle_settings.list()][-1] == "mentors"
        with pytest.raises(InvalidInput):
            book.circle_settings.set("close", every="sometimes")
        with pytest.raises(InvalidInput):
            book.circle_settings.set("close", weight=-1)


class TestRepliesAndHealth:
    def test_awaiting_with_ages_and_response_time_statistics(self, book: Book) -> None:
        ana = add(book, "Ana Lima")
        ben = add(book, "Ben Ode")
        talk(book, ana, 10, needs_reply=True, kind="email")  # answered after 1 day
        talk(book, ana, 9, direction="outbound", kind="email")
        talk(book, ana, 6, needs_reply=True, kind="email")  # answered after 3 days
        talk(book, ana, 3, direction="outbound", kind="call")
        talk(book, ben, 4, needs_reply=True, kind="message")  # still waiting
        [waiting] = book.replies.awaiting()
        assert waiting.interaction.people[0].name == "Ben Ode"
        assert waiting.days == 4
        stats = book.replies.stats()
        assert stats.overall.count == 2
        assert stats.overall.median == timedelta(days=2)
        assert stats.overall.p90 == timedelta(days=2.8)
        assert [(ref.name, t.count) for ref, t in stats.per_person] == [("Ana Lima", 2)]

    def test_health_of_one_everyone_and_drifting(self, book: Book) -> None:
        ana = add(book, "Ana Lima", circle="close")
        ben = add(book, "Ben Ode", circle="close")
        for days in (100, 80, 70, 60, 50, 45):
            talk(book, ana, days, direction="outbound")
        talk(book, ben, 2, direction="inbound")
        talk(book, ben, 1, direction="outbound")
        health = book.health.of("Ana")
        assert 0 <= health.score <= 100
        assert {f.name for f in health.factors} == {
            "recency",
            "frequency",
            "reciprocity",
            "promises",
            "replies",
        }
        everyone = book.health.all()
        assert [h.person.id for h in everyone] == [ana, ben]  # weakest first
        drifts = book.health.drifting()
        assert drifts and drifts[0].person.id == ana and drifts[0].change < 0


class TestDigestClaim:
    def test_sent_once_per_day_and_a_failure_can_be_retried(self, book: Book) -> None:
        sent: list[int] = []

        def fail() -> None:
            raise OSError("connection refused")

        with pytest.raises(OSError):
            book.agenda.send_digest_once(TODAY, fail)
        record = book.agenda.digest_record(TODAY)
        assert record is not None and record["sent_at"] is None
        assert "connection refused" in record["error"]
        assert book.agenda.send_digest_once(TODAY, lambda: sent.append(1)) == "sent"
        assert book.agenda.send_digest_once(TODAY, lambda: sent.append(2)) == "already_sent"
        assert sent == [1]
        assert book.agenda.digest_record(TODAY)["sent_at"] == NOW  # type: ignore[index]
        assert (
            book.agenda.send_digest_once(TODAY + timedelta(days=1), lambda: sent.append(3))
            == "sent"
        )
        assert sent == [1, 3]


class TestThePeopleFilterDropsNobody:
    """The SQL filter on people is a superset: the agenda is the same as with everyone loaded,
    whatever the cadences, thresholds, time zone and day."""

    @pytest.mark.parametrize(
        ("zone", "soft"), [("UTC", 1.0), ("Pacific/Kiritimati", 1.2), ("Pacific/Pago_Pago", 0.8)]
    )
    def test_same_agenda_as_with_everyone(self, book: Book, zone: str, soft: float) -> None:
        import random

        from amity.book.agenda import load_agenda_inputs, load_people
        from amity.rules.agenda import agenda_settings_from, build_agenda

        rng = random.Random(f"{zone}{soft}")
        ids = bulk_people(book, 200)
        circles = [c["id"] for c in book.circle_settings.list()]
        with book.ctx.write() as conn:
            for table in (s.important_dates, s.commitments, s.follow_ups, s.interactions):
                conn.execute(table.delete().where(table.c.owner_id == book.owner_id))
            for pid in ids:
                last = rng.choice(
                    [
                        None,
                        *[NOW - timedelta(days=rng.randint(0, 150), hours=rng.randint(0, 23))] * 3,
                    ]
                )
                conn.execute(
                    s.people.update()
                    .where(s.people.c.id == pid)
                    .values(
                        last_interaction_at=last,
                        created_at=NOW
                        - timedelta(days=rng.randint(0, 400), hours=rng.randint(0, 23)),
                        cadence_days=rng.choice([None, 0, 30, 45, 60, 90]),
                        circle_id=rng.choice([None, *circles]),
                        met_on=rng.choice(
                            [None, None, None, TODAY - timedelta(days=rng.randint(0, 60))]
                        ),
                    )
                )
        with book.ctx.read() as conn:  # a few items done or dismissed: their people move
            settings = agenda_settings_from({"timezone": zone, "agenda.due_factor": soft})
            first = build_agenda(
                load_agenda_inputs(conn, book.owner_id, TODAY, settings), TODAY, settings=settings
            )
        touched = [a.key for a in first if a.kind == "keep_in_touch"][:6]
        for key in touched[:3]:
            book.agenda.done(key)
        for key in touched[3:]:
            book.agenda.dismiss(key)
        for offset in (0, 1, 17, 45):
            day = TODAY + timedelta(days=offset)
            with book.ctx.read() as conn:
                settings = agenda_settings_from({"timezone": zone, "agenda.due_factor": soft})
                filtered = load_agenda_inputs(conn, book.owner_id, day, settings)
                everyone = type(filtered)(
                    **{**filtered.__dict__, "people": load_people(conn, book.owner_id)}
                )
            assert {p.id for p in filtered.people} <= {p.id for p in everyone.people}
            if offset == 0:
                assert 0 < len(filtered.people) < len(everyone.people)  # the filter is at work
            for limit in (1, 3, 10):
                with book.ctx.read() as conn:
                    cut = load_agenda_inputs(conn, book.owner_id, day, settings, limit=limit)
                assert len(cut.people) <= len(filtered.people)
                assert [a.key for a in build_agenda(cut, day, settings=settings, limit=limit)] == [
                    a.key for a in build_agenda(everyone, day, settings=settings, limit=limit)
                ]
            assert [a.key for a in build_agenda(filtered, day, settings=settings)] == [
                a.key for a in build_agenda(everyone, day, settings=settings)
            ]


class TestDigestAcrossWorkers:
    def test_two_workers_at_once_send_one_digest(self, book: Book) -> None:
        import threading
        import time

        deliveries: list[str] = []
        outcomes: list[str] = []

        def deliver() -> None:
            deliveries.append(threading.current_thread().name)
            time.sleep(0.3)  # the other worker arrives while this one is sending

        def worker() -> None:
            twin = Book(book.ctx.engine, book.owner_id, book.ctx.url, book.ctx.clock)
            outcomes.append(twin.agenda.send_digest_once(TODAY, deliver))

        threads = [threading.Thread(target=worker, name=f"w{i}") for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert sorted(outcomes) == ["already_sent", "sent"]
        assert len(deliveries) == 1

    def test_digest_is_due_after_its_time_in_the_users_zone(self) -> None:
        from amity.notify.digest import digest_due

        settings = {"digest.enabled": True, "digest.time": "07:30", "timezone": "Asia/Tokyo"}
        assert digest_due(settings, datetime(2026, 11, 24, 22, 29, tzinfo=UTC)) is None
        assert digest_due(settings, datetime(2026, 11, 24, 22, 31, tzinfo=UTC)) == date(
            2026, 11, 25
        )
        assert (
            digest_due(
                {**settings, "digest.enabled": False}, datetime(2026, 11, 24, 23, 0, tzinfo=UTC)
            )
            is None
        )
        assert digest_due(
            {**settings, "digest.time": "late"},  # bad time: 07:30
            datetime(2026, 11, 24, 22, 31, tzinfo=UTC),
        ) == date(2026, 11, 25)


class TestFarAwayDays:
    @pytest.mark.parametrize(
        "day", [date(1, 1, 1), date(1799, 12, 31), date(9001, 1, 1), date(9999, 12, 31)]
    )
    def test_days_out_of_range_are_refused_not_crashed(self, book: Book, day: date) -> None:
        ana = add(book, "Ana Lima", circle="close", birthday="--12-31")
        with pytest.raises(InvalidInput, match="out of range"):
            book.agenda.items(today=day)
        with pytest.raises(InvalidInput, match="out of range"):
            book.health.all(today=day)
        with pytest.raises(InvalidInput, match="out of range"):
            book.commitments.add(ana, "x", due_on=day)
        with pytest.raises(InvalidInput, match="out of range"):
            book.follow_ups.add(ana, "x", day)
        assert book.commitments.list(status="all") == []

    @pytest.mark.parametrize("day", [date(1800, 1, 1), date(9000, 12, 31)])
    def test_the_edges_of_the_range_work(self, book: Book, day: date) -> None:
        ana = add(book, "Ana Lima", circle="close", birthday="--12-31")
        book.commitments.add(ana, "x", due_on=day)
        assert isinstance(book.agenda.items(today=day, limit=5), list)
        assert book.health.of(ana, today=day).score >= 0
        assert b"BEGIN:VCALENDAR" in book.agenda.calendar_feed()
