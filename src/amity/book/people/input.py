"""What a user may set on a person, checked and normalised before the first write."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection, func, select

from amity.book.people.finding import PeopleFinding
from amity.errors import InvalidInput
from amity.model import ContactPoint, PartialDate
from amity.rules.normalize import (
    NormalizeError,
    email_key,
    normalize_country,
    normalize_email,
    normalize_phone,
    normalize_tag,
    parse_cadence,
)
from amity.store import schema as s


@dataclass
class PersonInput:
    """What a user may set on a person; ``None`` leaves a field as it is on edit."""

    name: str | None = None
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    org: str | None = None
    title: str | None = None
    tags: list[str] = field(default_factory=list)
    circle: str | None = None
    cadence: str | None = None  # "30d", "6w", "never"; "" clears the override
    birthday: str | PartialDate | None = None
    met_where: str | None = None
    met_on: date | None = None
    how_met: str | None = None
    introduced_by: str | None = None  # a person reference
    note: str | None = None
    preferred_channel: str | None = None
    timezone: str | None = None
    country: str | None = None  # a code (GB) or a name; "" clears it
    language: str | None = None
    best_time: str | None = None
    style_notes: str | None = None
    nickname: str | None = None


@dataclass
class Prepared:
    """A PersonInput checked and normalised: columns, contact points, tags, birthday."""

    columns: dict[str, Any]
    points: list[ContactPoint]
    tags: list[str]
    birthday: PartialDate | None


class PreparingInput(PeopleFinding):
    """Checks a PersonInput against the book (circles, who introduced) before any write."""

    def _prepare(
        self, conn: Connection, data: PersonInput, *, country: str | None = None
    ) -> Prepared:
        """Validate and normalise everything before the first write (nothing half-written).
        ``country``: the person's country as stored (an edit), which reads their phones
        when ``data`` does not set one."""
        columns: dict[str, Any] = {}
        if data.country is not None:
            try:
                country = normalize_country(data.country) if data.country.strip() else None
            except NormalizeError as exc:
                raise InvalidInput(str(exc), field="country") from None
            columns["country"] = country
        for name in (
            "org",
            "title",
            "met_where",
            "how_met",
            "preferred_channel",
            "language",
            "best_time",
            "style_notes",
            "nickname",
        ):
            value = getattr(data, name)
            if value is not None:
                columns[name] = value.strip() or None
        if data.note is not None:
            columns["notes"] = data.note.strip() or None
        if data.met_on is not None:
            columns["met_on"] = data.met_on
        if data.timezone is not None:
            from amity.rules.when import WhenError, zone

            if data.timezone.strip():
                try:
                    zone(data.timezone.strip())
                except WhenError as exc:
                    raise InvalidInput(str(exc), field="timezone") from None
            columns["timezone"] = data.timezone.strip() or None
        if data.cadence is not None:
            try:
                columns["cadence_days"] = (
                    parse_cadence(data.cadence) if data.cadence.strip() else None
                )
            except NormalizeError as exc:
                raise InvalidInput(str(exc), field="cadence") from None
        if data.circle is not None:
            columns["circle_id"] = (
                self._circle_id(conn, data.circle) if data.circle.strip() else None
            )
        if data.introduced_by is not None:
            columns["introduced_by_id"] = (
                self.resolve_in(conn, data.introduced_by).id if data.introduced_by.strip() else None
            )
        region = self._ctx.setting("phone.region", conn)
        points: list[ContactPoint] = []
        for raw in data.emails:
            try:
                value = normalize_email(raw)
            except NormalizeError as exc:
                raise InvalidInput(str(exc), field="email") from None
            points.append(ContactPoint("email", value, normalized=email_key(value)))
        for raw in data.phones:
            try:
                value = normalize_phone(raw, country, region)
            except NormalizeError as exc:
                raise InvalidInput(str(exc), field="phone") from None
            points.append(ContactPoint("phone", value, normalized=value))
        for raw in data.urls:
            url = raw.strip()
            if not url:
                continue
            points.append(ContactPoint("url", url, normalized=url.lower().rstrip("/")))
        try:
            tags = [normalize_tag(t) for t in data.tags]
        except NormalizeError as exc:
            raise InvalidInput(str(exc), field="tag") from None
        birthday = None
        if data.birthday is not None and data.birthday != "":
            birthday = partial_date(data.birthday)
        return Prepared(columns, points, tags, birthday)

    def _circle_id(self, conn: Connection, name: str) -> int:
        c = s.circles
        row = conn.execute(
            select(c.c.id).where(
                c.c.owner_id == self._ctx.owner_id, func.lower(c.c.name) == name.strip().lower()
            )
        ).first()
        if row is None:
            names = (
                conn.execute(
                    select(c.c.name)
                    .where(c.c.owner_id == self._ctx.owner_id)
                    .order_by(c.c.position)
                )
                .scalars()
                .all()
            )
            raise InvalidInput(f"no circle {name!r}; circles: {', '.join(names)}", field="circle")
        return int(row[0])


def partial_date(value: str | PartialDate, *, day_first: bool = False) -> PartialDate:
    """A date whose year may be unknown, as typed: "15 April", "4/15", "1990-04-15"..."""
    if isinstance(value, PartialDate):
        return value
    from amity.rules.birthdays import BirthdayError, parse_birthday

    try:
        return parse_birthday(value, day_first=day_first)
    except BirthdayError as exc:
        raise InvalidInput(str(exc), field="birthday") from None
