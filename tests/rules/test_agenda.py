"""The agenda: every kind of item, its key, reason, score, and what the user did to it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from amity.model.dates import PartialDate
from amity.model.types import Action, PersonRef
from amity.rules.agenda import (
    AgendaInputs,
    AgendaSettings,
    AgendaState,
    AttendanceInput,
    CommitmentInput,
    DateInput,
    FollowUpInput,
    GiveInput,
    JobStartInput,
    PersonInput,
    ReplyInput,
    Someone,
    build_agenda,
    due_timing,
    effective_last_contacts,
    keep_in_touch_person_id,
    make_action,
    rank_actions,
)

TODAY = date(2026, 5, 15)  # a Friday


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def ago(days: int) -> datetime:
    return at(TODAY - timedelta(days=days))


ANA = PersonInput(
    1, "Ana", circle="close", circle_cadence_days=30, circle_weight=2.0, last_interaction_at=ago(47)
)
BEN = PersonInput(2, "Ben", created_at=ago(400), last_interaction_at=ago(3))


def agenda(
    *people: PersonInput,
    today: date = TODAY,
    settings: AgendaSettings | None = None,
    now: datetime | None = None,
    **rows: Any,
) -> list[Action]:
    """The agenda of ``people`` with the given input ``rows`` (dates=..., states=...)."""
    inputs = AgendaInputs(people, **rows)
    return build_agenda(inputs, today, settings=settings or AgendaSettings(), now=now)


def only(actions: list[Action], kind: str | None = None) -> Action:
    chosen = [a for a in actions if kind is None or a.kind == kind]
    assert len(chosen) == 1, [a.key for a in actions]
    return chosen[0]


def state(key: str, what: str, until: date | None = None, acted: date = TODAY) -> AgendaState:
    return AgendaState(key, what, at(acted), until)


# --- keep in touch --------------------------------------------------------------------------


class TestKeepInTouch:
    def test_due_with_reason_key_and_score(self) -> None:
        item = only(agenda(ANA))
        assert item.kind == "keep_in_touch"
        assert item.reason == "Ana: 47 days since you last talked, cadence 30 (overdue)"
        assert item.key == "keep_in_touch:p1:2026-03-29"
        assert item.due == date(2026, 4, 28)
        assert item.people == [PersonRef(1, "Ana")]
        assert item.score == pytest.approx(47 / 30 * 2.0, abs=1e-3)
        assert item.details["overdue"] is True
        assert "x weight 2 (circle close)" in str(item.details["explain"])

    def test_due_but_not_yet_overdue(self) -> None:
        item = only(agenda(replace(ANA, last_interaction_at=ago(30))))
        assert item.reason == "Ana: 30 days since you last talked, cadence 30"
        assert item.details["overdue"] is False

    def test_not_due_before_the_cadence(self) -> None:
        assert agenda(replace(ANA, last_interaction_at=ago(29))) == []

    def test_configurable_thresholds(self) -> None:
        settings = AgendaSettings(soft_threshold=1.2, hard_threshold=2.0)
        assert agenda(replace(ANA, last_interaction_at=ago(35)), settings=settings) == []
        item = only(agenda(replace(ANA, last_interaction_at=ago(47)), settings=settings))
        assert item.details["overdue"] is False

    def test_any_interaction_restarts_the_cadence_and_changes_the_key(self) -> None:
        before = only(agenda(ANA))
        # an inbound message yesterday: the Book's last_interaction_at moves, whatever its kind
        assert agenda(replace(ANA, last_interaction_at=ago(1))) == []
        later = only(agenda(replace(ANA, last_interaction_at=ago(1)), today=TODAY + timedelta(31)))
        assert later.key != before.key
        assert later.key == "keep_in_touch:p1:2026-05-14"

    def test_override_cadence(self) -> None:
        assert agenda(replace(ANA, cadence_days=60)) == []
        assert only(agenda(replace(ANA, cadence_days=42))).reason.startswith("Ana: 47 days")

    def test_never_override_means_no_item(self) -> None:
        assert agenda(replace(ANA, cadence_days=0, last_interaction_at=ago(900))) == []

    def test_no_cadence_means_no_item(self) -> None:
        assert agenda(replace(ANA, circle_cadence_days=None)) == []

    def test_never_contacted_counts_from_the_later_of_added_and_met(self) -> None:
        new = PersonInput(5, "Cleo", circle_cadence_days=90, created_at=ago(100), met_on=None)
        item = only(agenda(new))
        assert item.key == "keep_in_touch:p5:2026-02-04"
        assert item.reason == "Cleo: no contact in the 100 days since you added them, cadence 90"
        met_later = replace(new, met_on=TODAY - timedelta(days=80))
        assert agenda(met_later) == []
        met = only(agenda(met_later, today=TODAY + timedelta(days=10)))
        assert met.reason == "Cleo: no contact in the 90 days since you met them, cadence 90"

    def test_unknown_start_means_no_item(self) -> None:
        assert agenda(PersonInput(6, "Dan", circle_cadence_days=30)) == []

    def test_last_contact_is_the_local_date(self) -> None:
        # 23:30 UTC on 29 March is already 30 March in Tokyo
        person = replace(ANA, last_interaction_at=datetime(2026, 3, 29, 23, 30, tzinfo=UTC))
        tokyo = only(agenda(person, settings=AgendaSettings(time_zone="Asia/Tokyo")))
        assert tokyo.key == "keep_in_touch:p1:2026-03-30"
        assert only(agenda(person)).key == "keep_in_touch:p1:2026-03-29"

    def test_channel_and_their_time_in_the_reason(self) -> None:
        person = replace(ANA, preferred_channel="Signal", timezone="America/New_York")
        now = datetime(2026, 5, 15, 13, 10, tzinfo=UTC)
        item = only(agenda(person, now=now))
        assert item.reason.endswith("(overdue); on Signal, 09:10 there")


class TestDoneKeepInTouchCountsAsContact:
    def test_done_hides_it_and_restarts_the_cadence(self) -> None:
        key = only(agenda(ANA)).key
        done = [state(key, "done", acted=TODAY - timedelta(days=5))]
        assert agenda(ANA, states=done) == []
        # 30 days after it was marked done, a new item with a new key
        again = only(agenda(ANA, states=done, today=TODAY + timedelta(days=25)))
        assert again.key == "keep_in_touch:p1:2026-05-10"

    def test_effective_last_contact_helper(self) -> None:
        done = [state("keep_in_touch:p1:2026-03-29", "done", acted=date(2026, 5, 10))]
        contacts = effective_last_contacts([ANA, BEN], done, "UTC")
        assert contacts == {1: date(2026, 5, 10), 2: TODAY - timedelta(days=3)}
        # a later interaction wins over an older done mark
        assert effective_last_contacts([ANA], done, "UTC")[1] == date(2026, 5, 10)
        assert effective_last_contacts([replace(ANA, last_interaction_at=ago(1))], done, "UTC") == {
            1: date(2026, 5, 14)
        }

    def test_only_done_keep_in_touch_items_count(self) -> None:
        other = [
            state("keep_in_touch:p1:2026-03-29", "dismissed"),
            state("date:birthday:d1:2026", "done"),
        ]
        assert effective_last_contacts([ANA], other, "UTC") == {1: date(2026, 3, 29)}

    def test_key_parsing(self) -> None:
        assert keep_in_touch_person_id("keep_in_touch:p42:2026-11-03") == 42
        assert keep_in_touch_person_id("promise:c8") is None
        assert keep_in_touch_person_id("keep_in_touch:px:2026-11-03") is None


# --- states ---------------------------------------------------------------------------------


class TestStates:
    def test_snoozed_is_hidden_until_its_date_and_back_on_that_day(self) -> None:
        key = only(agenda(ANA)).key
        snoozed = [state(key, "snoozed", until=TODAY + timedelta(days=3))]
        assert agenda(ANA, states=snoozed) == []
        assert agenda(ANA, states=snoozed, today=TODAY + timedelta(days=2)) == []
        back = agenda(ANA, states=snoozed, today=TODAY + timedelta(days=3))
        assert [a.key for a in back] == [key]

    def test_dismissed_is_hidden_for_good_but_a_new_occurrence_comes_back(self) -> None:
        dates = [DateInput(17, 2, "birthday", PartialDate(5, 15, 1986))]
        key = only(agenda(BEN, dates=dates)).key
        assert key == "date:birthday:d17:2026"
        dismissed = [state(key, "dismissed")]
        assert agenda(BEN, dates=dates, states=dismissed) == []
        next_year = only(agenda(BEN, dates=dates, states=dismissed, today=date(2027, 5, 14)))
        assert next_year.key == "date:birthday:d17:2027"

    def test_done_is_hidden(self) -> None:
        rows = [CommitmentInput(8, 1, "mine", "send the deck", TODAY)]
        assert len(agenda(ANA, commitments=rows)) == 2
        items = agenda(ANA, commitments=rows, states=[state("promise:c8", "done")])
        assert [a.kind for a in items] == ["keep_in_touch"]

    def test_state_for_another_key_changes_nothing(self) -> None:
        assert len(agenda(ANA, states=[state("keep_in_touch:p1:2026-01-01", "dismissed")])) == 1


# --- dates ----------------------------------------------------------------------------------


def date_item(row: DateInput, today: date = TODAY, who: PersonInput = BEN) -> Action | None:
    items = agenda(who, today=today, dates=[row])
    return items[0] if items else None


class TestDates:
    def test_birthday_with_a_year_gives_the_age(self) -> None:
        item = date_item(
            DateInput(17, 2, "birthday", PartialDate(5, 15, 1986)), TODAY - timedelta(3)
        )
        assert item is not None
        assert item.reason == "Ben turns 40 on Friday 15 May"
        assert item.due == TODAY
        assert item.details["years"] == 40

    def test_birthday_today_and_tomorrow(self) -> None:
        row = DateInput(17, 2, "birthday", PartialDate(5, 15, 1986))
        today = date_item(row)
        tomorrow = date_item(row, TODAY - timedelta(1))
        assert today is not None
        assert tomorrow is not None
        assert today.reason == "Ben turns 40 today"
        assert tomorrow.reason == "Ben turns 40 tomorrow"

    def test_yearless_birthday(self) -> None:
        item = date_item(DateInput(18, 2, "birthday", PartialDate(5, 20)))
        assert item is not None
        assert item.reason == "Ben's birthday is on Wednesday 20 May"
        assert item.details["years"] is None

    def test_anniversary_and_custom(self) -> None:
        wedding = date_item(DateInput(19, 2, "anniversary", PartialDate(5, 16, 2016), "wedding"))
        assert wedding is not None
        assert wedding.reason == "Ben's 10th anniversary (wedding) is tomorrow"
        assert wedding.key == "date:anniversary:d19:2026"
        custom = date_item(DateInput(20, 2, "custom", PartialDate(5, 15, 2021), "Sober since"))
        assert custom is not None
        assert custom.reason == "Ben: Sober since, 5 years, today"
        yearless = date_item(DateInput(21, 2, "custom", PartialDate(5, 17), "Name day"))
        assert yearless is not None
        assert yearless.reason == "Ben: Name day on Sunday 17 May"

    def test_work_anniversary_from_the_job_start(self) -> None:
        jobs = [JobStartInput(5, 2, "Acme", date(2020, 5, 18))]
        item = only(agenda(BEN, jobs=jobs))
        assert item.key == "date:work_anniversary:j5:2026"
        assert item.reason == "Ben: 6 years at Acme on Monday 18 May"
        assert item.details["date_kind"] == "work_anniversary"

    def test_no_work_anniversary_for_an_ended_job_or_the_first_day(self) -> None:
        ended = JobStartInput(5, 2, "Acme", date(2020, 5, 18), end_date=date(2025, 1, 1))
        first_day = JobStartInput(6, 2, "Initech", date(2026, 5, 18))
        assert agenda(BEN, jobs=[ended, first_day]) == []

    def test_shown_from_the_lead_time_until_the_day_and_highest_on_the_day(self) -> None:
        row = DateInput(17, 2, "birthday", PartialDate(5, 15, 1986))
        scores = []
        for days_before in range(10, -3, -1):
            item = date_item(row, TODAY - timedelta(days=days_before))
            scores.append(None if item is None else item.score)
        assert scores[:3] == [None, None, None]  # 10, 9, 8 days before
        shown = scores[3:11]  # 7 days before .. the day
        assert all(s is not None for s in shown)
        assert shown == sorted(shown)  # type: ignore[type-var]
        assert shown[-1] == 2.5  # on the day: 2.5 x 1.0 x weight 1
        assert scores[11:] == [None, None]  # gone after the day

    def test_lead_time_per_kind(self) -> None:
        settings = AgendaSettings(date_lead_days={"birthday": 14})
        row = DateInput(17, 2, "birthday", PartialDate(5, 25))
        assert agenda(BEN, dates=[row]) == []
        assert len(agenda(BEN, dates=[row], settings=settings)) == 1
        jobs = [JobStartInput(5, 2, "Acme", date(2020, 5, 25))]
        assert agenda(BEN, jobs=jobs, settings=settings) == []  # other kinds keep 7 days

    def test_feb_29_in_a_common_year_falls_on_feb_28(self) -> None:
        row = DateInput(30, 2, "birthday", PartialDate(2, 29, 2000))
        item = date_item(row, date(2027, 2, 28))
        assert item is not None
        assert item.due == date(2027, 2, 28)
        assert item.reason == "Ben turns 27 today"
        assert item.key == "date:birthday:d30:2027"
        assert date_item(row, date(2027, 3, 1)) is None

    def test_feb_29_in_a_leap_year(self) -> None:
        row = DateInput(30, 2, "birthday", PartialDate(2, 29))
        on_28 = date_item(row, date(2028, 2, 28))
        assert on_28 is not None
        assert on_28.due == date(2028, 2, 29)
        assert on_28.reason == "Ben's birthday is tomorrow"

    def test_year_boundary(self) -> None:
        row = DateInput(31, 2, "birthday", PartialDate(1, 2, 1990))
        item = date_item(row, date(2026, 12, 28))
        assert item is not None
        assert item.key == "date:birthday:d31:2027"
        assert item.due == date(2027, 1, 2)
        assert item.reason == "Ben turns 37 on Saturday 2 January"


# --- promises, follow-ups, replies ----------------------------------------------------------


class TestPromises:
    def test_mine_due_within_two_days_or_overdue(self) -> None:
        rows = [
            CommitmentInput(8, 1, "mine", "send the deck", TODAY - timedelta(days=2)),
            CommitmentInput(9, 1, "mine", "Intro to Zoe", TODAY + timedelta(days=2)),
            CommitmentInput(10, 1, "mine", "call back", TODAY + timedelta(days=3)),
            CommitmentInput(11, 1, "mine", "no date"),
            CommitmentInput(12, 1, "mine", "done", TODAY, status="done"),
            CommitmentInput(13, 1, "mine", "dropped", TODAY, status="dropped"),
        ]
        items = list(agenda(replace(ANA, cadence_days=0), commitments=rows))
        assert [a.key for a in items] == ["promise:c8", "promise:c9"]
        assert items[0].reason == "You promised Ana to send the deck, due 2 days ago"
        assert items[1].reason == "You promised Ana: Intro to Zoe, due in 2 days"
        assert items[0].score == pytest.approx(3.0 * (1 + 2 / 7) * 2.0, abs=1e-3)

    def test_theirs_only_when_overdue(self) -> None:
        rows = [
            CommitmentInput(20, 2, "theirs", "to send the contract", TODAY - timedelta(days=3)),
            CommitmentInput(21, 2, "theirs", "send slides", TODAY),
        ]
        item = only(agenda(BEN, commitments=rows))
        assert item.kind == "promise_theirs"
        assert item.reason == "Ben promised to send the contract, due 3 days ago: a gentle nudge?"


class TestFollowUps:
    def test_explicit_follow_up_from_its_due_date(self) -> None:
        rows = [
            FollowUpInput(3, 2, "ask about the new job", TODAY),
            FollowUpInput(4, 2, "later", TODAY + timedelta(days=1)),
            FollowUpInput(5, 2, "done already", TODAY, done=True),
        ]
        item = only(agenda(BEN, follow_ups=rows))
        assert (item.key, item.kind) == ("follow_up:f3", "follow_up")
        assert item.reason == "Follow up with Ben: ask about the new job, due today"

    def test_newly_met_is_due_two_days_after_meeting(self) -> None:
        cleo = PersonInput(7, "Cleo", circle_cadence_days=14, met_on=TODAY - timedelta(days=1))
        assert agenda(cleo) == []
        item = only(agenda(cleo, today=TODAY + timedelta(days=1)))
        assert item.key == "follow_up:met:p7:2026-05-14"
        assert item.due == TODAY + timedelta(days=1)
        assert (
            item.reason
            == "Follow up with Cleo: you met 2 days ago and have not been in touch since"
        )

    def test_newly_met_no_longer_due_once_contacted(self) -> None:
        cleo = PersonInput(7, "Cleo", met_on=TODAY - timedelta(days=5), last_interaction_at=ago(1))
        assert agenda(cleo) == []

    def test_newly_met_follow_up_replaces_keep_in_touch_while_shown(self) -> None:
        cleo = PersonInput(7, "Cleo", circle_cadence_days=14, met_on=TODAY - timedelta(days=20))
        item = only(agenda(cleo))
        assert item.kind == "follow_up"
        dismissed = [state(item.key, "dismissed")]
        assert only(agenda(cleo, states=dismissed)).kind == "keep_in_touch"

    def test_newly_met_window_ends(self) -> None:
        cleo = PersonInput(7, "Cleo", met_on=TODAY - timedelta(days=33))
        assert agenda(cleo) == []
        assert agenda(replace(cleo, met_on=TODAY - timedelta(days=32))) != []


def pycon(person_id: int, *, met: bool = True) -> AttendanceInput:
    return AttendanceInput(9, "PyCon US 2026", date(2026, 5, 11), person_id, met=met)


class TestEventFollowUps:
    def test_one_grouped_item_per_event(self) -> None:
        people = [PersonInput(100 + i, f"P{i:02d}", met_on=date(2026, 5, 10)) for i in range(12)]
        item = only(agenda(*people, attendance=[pycon(p.id) for p in people]))
        assert item.kind == "event_follow_up"
        assert item.key == "event_follow_up:e9"
        assert item.reason == "Follow up with 12 people you met at PyCon US 2026"
        assert len(item.people) == 12
        assert item.due == date(2026, 5, 13)

    def test_people_contacted_since_drop_out_and_the_key_stays(self) -> None:
        ana = PersonInput(1, "Ana")
        ben = PersonInput(2, "Ben", last_interaction_at=at(date(2026, 5, 12)))
        cy = PersonInput(3, "Cy", last_interaction_at=at(date(2026, 5, 11)))  # at the event
        dee = PersonInput(4, "Dee")
        attendance = [pycon(1), pycon(2), pycon(3), pycon(4, met=False)]
        item = only(agenda(ana, ben, cy, dee, attendance=attendance))
        assert item.key == "event_follow_up:e9"
        assert item.reason == "Follow up with Ana and Cy, whom you met at PyCon US 2026"
        everyone_contacted = [replace(p, last_interaction_at=ago(0)) for p in (ana, cy)]
        assert agenda(*everyone_contacted, ben, attendance=attendance) == []

    def test_not_before_two_days_after_the_event(self) -> None:
        assert agenda(PersonInput(1, "Ana"), attendance=[pycon(1)], today=date(2026, 5, 12)) == []

    def test_weight_is_the_heaviest_person(self) -> None:
        people = [PersonInput(1, "Ana", circle_weight=3.0), PersonInput(2, "Ben")]
        item = only(agenda(*people, attendance=[pycon(1), pycon(2)]))
        assert item.details["weight"] == 3.0


class TestReplies:
    def test_reply_item(self) -> None:
        rows = [ReplyInput(991, 2, ago(3), "Deck for Monday", "t1")]
        item = only(agenda(BEN, awaiting_replies=rows))
        assert (item.key, item.kind) == ("reply:i991", "reply")
        assert item.reason == 'Reply to Ben about "Deck for Monday" (waiting 3 days)'
        assert item.due == TODAY - timedelta(days=3)

    def test_one_item_per_interaction_with_several_senders(self) -> None:
        ana = PersonInput(1, "Ana")
        rows = [ReplyInput(5, 1, ago(0)), ReplyInput(5, 2, ago(0))]
        item = only(agenda(ana, BEN, awaiting_replies=rows))
        assert item.reason == "Reply to Ana and Ben (since today)"


# --- ranking and the whole list --------------------------------------------------------------


def test_rows_about_people_not_loaded_are_ignored() -> None:
    items = agenda(
        BEN,
        dates=[DateInput(1, 99, "birthday", PartialDate(5, 15))],
        commitments=[CommitmentInput(1, 99, "mine", "x", TODAY)],
        follow_ups=[FollowUpInput(1, 99, "x", TODAY)],
        awaiting_replies=[ReplyInput(1, 99, ago(1))],
        attendance=[pycon(99)],
        jobs=[JobStartInput(1, 99, "Acme", date(2020, 5, 15))],
    )
    assert items == []


def test_ranking_follows_the_documented_example() -> None:
    dates = [DateInput(1, 1, "birthday", PartialDate(5, 15))]
    promise = [CommitmentInput(8, 1, "mine", "send the deck", TODAY - timedelta(days=2))]
    items = agenda(ANA, dates=dates, commitments=promise)
    assert [(a.kind, round(a.score, 2)) for a in items] == [
        ("promise_mine", 7.71),
        ("date", 5.0),
        ("keep_in_touch", 3.13),
    ]


def test_ties_break_on_due_then_key() -> None:
    people = [PersonInput(i, f"P{i}") for i in (1, 2, 3)]
    rows = [
        FollowUpInput(30, 3, "x", TODAY),
        FollowUpInput(10, 1, "x", TODAY),
        FollowUpInput(20, 2, "x", TODAY),
    ]
    assert [a.key for a in agenda(*people, follow_ups=rows)] == [
        "follow_up:f10",
        "follow_up:f20",
        "follow_up:f30",
    ]
    one = make_action("x", "b", [], TODAY, "", timing=1, weight=1)
    two = make_action("x", "a", [], TODAY + timedelta(1), "", timing=1, weight=1)
    three = make_action("x", "c", [], TODAY - timedelta(1), "", timing=1, weight=1)
    assert [a.key for a in rank_actions([one, two, three])] == ["c", "b", "a"]


def test_network_kinds_share_states_and_ranking() -> None:
    ben = Someone(BEN.id, BEN.name)
    gives = [GiveInput(ben, 0, 40, [TODAY - timedelta(days=60), TODAY - timedelta(days=31)])]
    give = agenda(BEN, gives=gives)[0]
    assert give.key == f"give:p2:{TODAY - timedelta(days=31)}" and give.kind == "give"
    assert agenda(BEN, gives=gives, states=[state(give.key, "dismissed")]) == []


def test_limit() -> None:
    rows = [FollowUpInput(i, 2, "x", TODAY) for i in range(5)]
    got = build_agenda(AgendaInputs([BEN], follow_ups=rows), TODAY, limit=2)
    assert len(got) == 2


def test_due_timing() -> None:
    assert due_timing(0) == 1.0
    assert due_timing(7) == 2.0
    assert due_timing(100) == 3.0
    assert due_timing(-7, 7) == 0.5
    assert due_timing(-3, 0) == 1.0


def test_an_agenda_for_an_earlier_day_does_not_show_later_messages() -> None:
    rows = [ReplyInput(991, 2, ago(0))]
    assert agenda(BEN, awaiting_replies=rows, today=TODAY - timedelta(days=1)) == []
