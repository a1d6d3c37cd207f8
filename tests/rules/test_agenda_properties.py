"""Properties of the agenda over generated books: windows, unique keys, ranking, states."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from amity.model.dates import PartialDate
from amity.rules.agenda import (
    AgendaInputs,
    AgendaSettings,
    AgendaState,
    AttendanceInput,
    CommitmentInput,
    DateInput,
    FollowUpInput,
    JobStartInput,
    PersonInput,
    ReplyInput,
    build_agenda,
)

TODAY = date(2026, 12, 28)
IDS = st.integers(1, 8)
DAYS = st.integers(-400, 30)


def day(offset: int) -> date:
    return TODAY + timedelta(days=offset)


def instant(offset: int) -> datetime:
    return datetime.combine(day(offset), time(12), tzinfo=UTC)


people = st.lists(
    st.builds(
        PersonInput,
        id=IDS,
        name=st.sampled_from(["Ana", "Ben", "Zoë", "O'Brien"]),
        circle_cadence_days=st.none() | st.integers(1, 200),
        circle_weight=st.floats(0.1, 5),
        cadence_days=st.none() | st.integers(0, 200),
        created_at=st.none() | DAYS.map(instant),
        met_on=st.none() | DAYS.map(day),
        last_interaction_at=st.none() | st.integers(-400, 0).map(instant),
    ),
    unique_by=lambda p: p.id,
)
partial_dates = st.builds(
    PartialDate,
    month=st.integers(1, 12),
    day=st.integers(1, 28),
    year=st.none() | st.integers(1950, 2020),
) | st.just(PartialDate(2, 29))
inputs = st.builds(
    AgendaInputs,
    people=people,
    dates=st.lists(
        st.builds(
            DateInput,
            id=st.integers(1, 50),
            person_id=IDS,
            kind=st.sampled_from(["birthday", "anniversary", "custom"]),
            when=partial_dates,
        ),
        unique_by=lambda d: d.id,
    ),
    jobs=st.lists(
        st.builds(
            JobStartInput,
            id=st.integers(1, 50),
            person_id=IDS,
            organisation=st.just("Acme"),
            start_date=st.dates(date(1990, 1, 1), date(2026, 12, 1)),
        ),
        unique_by=lambda j: j.id,
    ),
    follow_ups=st.lists(
        st.builds(FollowUpInput, id=st.integers(1, 50), person_id=IDS, text=st.just("x"),
                  due_on=DAYS.map(day)),
        unique_by=lambda f: f.id,
    ),
    attendance=st.lists(
        st.builds(AttendanceInput, event_id=st.integers(1, 3), event_name=st.just("Conf"),
                  event_ends_on=st.integers(-40, 0).map(day), person_id=IDS),
        unique_by=lambda a: (a.event_id, a.person_id),
    ),
    commitments=st.lists(
        st.builds(CommitmentInput, id=st.integers(1, 50), person_id=IDS,
                  direction=st.sampled_from(["mine", "theirs"]), text=st.just("send it"),
                  due_on=st.none() | DAYS.map(day)),
        unique_by=lambda c: c.id,
    ),
    awaiting_replies=st.lists(
        st.builds(ReplyInput, id=st.integers(1, 50), person_id=IDS,
                  occurred_at=st.integers(-60, 0).map(instant)),
        unique_by=lambda r: r.id,
    ),
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(inputs)
def test_every_item_is_inside_its_window_with_unique_keys_and_ranked(data: AgendaInputs) -> None:
    config = AgendaSettings()
    items = build_agenda(data, TODAY, settings=config)
    keys = [a.key for a in items]
    assert len(keys) == len(set(keys))
    assert [(-a.score, a.due, a.key) for a in items] == sorted(
        (-a.score, a.due, a.key) for a in items
    )
    for action in items:
        assert action.score > 0
        assert action.people
        assert action.reason
        assert "\n" not in action.reason
        if action.kind == "date":
            assert TODAY <= action.due <= TODAY + timedelta(days=7)
        elif action.kind == "promise_mine":
            assert action.due <= TODAY + timedelta(days=config.promise_lead_days)
        else:
            assert action.due <= TODAY, action


@settings(max_examples=100, deadline=None)
@given(inputs, st.sampled_from(["done", "dismissed", "snoozed"]))
def test_acting_on_every_item_hides_it(data: AgendaInputs, what: str) -> None:
    items = build_agenda(data, TODAY)
    until = TODAY + timedelta(days=1) if what == "snoozed" else None
    acted = datetime.combine(TODAY, time(9), tzinfo=UTC)
    states = [AgendaState(a.key, what, acted, until) for a in items]
    acted_on = AgendaInputs(**{**data.__dict__, "states": states})
    hidden = build_agenda(acted_on, TODAY)
    # everything acted on is gone (no new keep-in-touch item appears: done counts as contact)
    assert not {a.key for a in hidden} & {a.key for a in items}
    # only people whose newly-met follow-up was hidden may now get a keep-in-touch item
    assert all(a.kind == "keep_in_touch" for a in hidden)


@settings(max_examples=100, deadline=None)
@given(inputs)
def test_keys_are_stable_from_one_day_to_the_next(data: AgendaInputs) -> None:
    today = {a.key: a for a in build_agenda(data, TODAY)}
    tomorrow = {a.key: a for a in build_agenda(data, TODAY + timedelta(days=1))}
    for key in today.keys() & tomorrow.keys():
        assert today[key].kind == tomorrow[key].kind
        assert today[key].due == tomorrow[key].due


@settings(max_examples=100, deadline=None)
@given(inputs, st.integers(0, 5))
def test_a_limit_builds_the_same_first_items(data: AgendaInputs, limit: int) -> None:
    assert build_agenda(data, TODAY, limit=limit) == build_agenda(data, TODAY)[:limit]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.builds(
            PersonInput,
            id=IDS,
            name=st.just("P"),
            circle_cadence_days=st.integers(1, 60),
            created_at=st.integers(-100, 0).map(instant),
            last_interaction_at=st.none()
            | st.datetimes(datetime(2026, 9, 1), datetime(2026, 12, 28), timezones=st.just(UTC)),
        ),
        unique_by=lambda p: p.id,
    ),
    st.sampled_from(["UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago", "Asia/Kolkata"]),
)
def test_keep_in_touch_matches_the_cadence_rule_in_any_time_zone(
    people: list[PersonInput], zone: str
) -> None:
    """The fast path for big books never drops someone who is due."""
    from amity.rules.cadence import cadence_status
    from amity.rules.dates import local_date, time_zone

    items = build_agenda(AgendaInputs(people), TODAY, settings=AgendaSettings(time_zone=zone))
    shown = {a.people[0].id for a in items}
    tz = time_zone(zone)
    for person in people:
        instant_ = person.last_interaction_at or person.created_at
        assert instant_ is not None
        since = local_date(instant_, tz)
        assert person.circle_cadence_days is not None
        due = cadence_status(since, person.circle_cadence_days, TODAY).is_due(TODAY)
        assert (person.id in shown) == due
