"""The demo's events and people: jobs, contact points, dates, tags, facts and questions."""

from __future__ import annotations

import json
from datetime import date, timedelta
from itertools import accumulate

from amity.demo import words as D
from amity.demo.countries import COUNTRIES, Country
from amity.demo.drafting import (
    SPACE,
    TAG_CUM,
    Drafting,
    DraftPerson,
    at,
    company_suffixes,
    is_leap,
)
from amity.model import FACT_KINDS
from amity.rules.organisations import organisation_key
from amity.rules.text import fold

CIRCLE_SHARES = (("inner", 0.01, 2), ("close", 0.05, 3), ("network", 0.24, 0))  # rest: acquaintance
CIRCLE_ACTIVITY = {"inner": 14.0, "close": 5.0, "network": 1.2, "acquaintance": 0.35}


class PeopleDrafts(Drafting):
    # events and people ---------------------------------------------------------------------

    def _events(self) -> None:
        count = max(4, self.years * 5 + self.n // 800)
        for _ in range(count):
            country = self._country()
            city, _zone = self.rng.choice(country.cities)
            starts = self._day(
                self.start.date() + timedelta(days=7), self.today - timedelta(days=3)
            )
            template, kind = self.rng.choice(D.EVENT_NAMES)
            name = template.format(
                country=city if country.locale == "en_US" else country.locale[-2:],
                city=city,
                year=starts.year,
                topic=self.rng.choice(D.TOPICS).title(),
            )
            ends = (
                starts + timedelta(days=self.rng.randint(1, 2)) if kind == "conference" else starts
            )
            event_id = self._add(
                "events",
                {
                    "name": name,
                    "kind": kind,
                    "starts_on": starts,
                    "ends_on": ends,
                    "location": "Online" if kind == "online" else city,
                    "url": f"https://events.example.org/{SPACE.sub('-', fold(name)).strip('-')}",
                    "notes": None,
                    "created_at": self._moment(self.start, at(starts)),
                },
            )
            self.events.append(
                {
                    "id": event_id,
                    "name": name,
                    "starts_on": starts,
                    "city": city,
                    "kind": kind,
                    "attendees": [],
                }
            )
        self.events.sort(key=lambda e: (e["starts_on"], e["id"]))

    def _people(self) -> None:
        drafts = [self._draft_person() for _ in range(self.n)]
        drafts.sort(key=lambda p: (p.met_at, p.family, p.given))
        circles = self._circles()
        orgs = self._org_pool()
        org_cum = list(accumulate(1 / (rank + 1) ** 0.9 for rank in range(len(orgs))))
        for local, person in enumerate(drafts, start=1):
            person.id = local
            person.circle = circles[local - 1]
            person.weight = self._activity(person.circle)
            self._person_row(person, orgs, org_cum)
            self.people.append(person)
            if local % 1000 == 0:
                self.report("generating", local // 2, self.n)
        self._organisations(orgs[:6])

    def _organisations(self, orgs: list[tuple[str, str]]) -> None:
        """The organisations most people work at, as organisations (issue 12 section 4)."""
        for name, domain in orgs:
            self._add("organisations", {
                "name": name, "name_key": organisation_key(name), "website": f"https://{domain}",
                "emails": json.dumps([f"hello@{domain}"]), "phones": None, "address": None,
                "notes": None, "uid": None, "created_at": self.start, "updated_at": self.start,
            })  # fmt: skip

    def _draft_person(self) -> DraftPerson:
        rng = self.rng
        country = self._country()
        given, family = self._name(country)
        if rng.random() < 0.55:  # known from before the window
            met_at = self.start - timedelta(days=rng.randint(1, 8 * 365), hours=rng.randint(0, 23))
            met_at = met_at.replace(hour=rng.randint(8, 19), minute=0, second=0, microsecond=0)
            return DraftPerson(0, country, given, family, "", met_at, 0.0)
        met_at = self._moment(self.start)
        person = DraftPerson(0, country, given, family, "", met_at, 0.0)
        if rng.random() < 0.25 and self.events:
            event = rng.choice(self.events)
            person.event_id = event["id"]
            person.met_at = at(event["starts_on"], rng.randint(9, 18))
            person.how_met = "conference" if event["kind"] == "conference" else "event"
        return person

    def _circles(self) -> list[str]:
        names: list[str] = []
        for name, share, minimum in CIRCLE_SHARES:
            names += [name] * min(self.n - len(names), max(minimum, round(self.n * share)))
        names += ["acquaintance"] * (self.n - len(names))
        self.rng.shuffle(names)
        return names

    def _activity(self, circle: str) -> float:
        """How often this person shows up in the log: a heavy-tailed (Pareto) draw per circle."""
        if circle == "acquaintance" and self.rng.random() < 0.3:
            return 0.02
        return CIRCLE_ACTIVITY[circle] * min(40.0, self.rng.paretovariate(1.3))

    def _org_pool(self) -> list[tuple[str, str]]:
        """(name, e-mail domain) of the organisations people work at."""
        pool: list[tuple[str, str]] = []
        seen: set[str] = set()
        latin = [c for c in COUNTRIES if not c.romanized]
        for n in range(max(12, self.n // 6)):
            country = self.rng.choice(latin)
            name = self._company(country)
            if name in seen:
                name = (
                    f"{name} {self.rng.choice(('Labs', 'Group', 'Studio', 'Systems', 'Partners'))}"
                )
            seen.add(name)
            slug = SPACE.sub("", fold(name.split()[0].rstrip(",")))[:20] or f"org{n}"
            pool.append((name, f"{slug}.{country.tld}"))
        return pool

    def _company(self, country: Country) -> str:
        rng = self.rng
        family, other = self._name(country)[1], self._name(country)[1]
        roll = rng.random()
        if roll < 0.45:
            return f"{family} {self._pick(company_suffixes(country.locale))}"
        if roll < 0.7:
            return f"{family} & {other}"
        return f"{self._pick(D.BRAND_WORDS)} {self._pick(D.BRAND_KINDS)}"

    def _person_row(
        self, p: DraftPerson, orgs: list[tuple[str, str]], org_cum: list[float]
    ) -> None:
        rng = self.rng
        city, zone = rng.choice(p.country.cities)
        if p.how_met is None:
            p.how_met = rng.choices(
                (
                    "work",
                    "LinkedIn",
                    "introduction",
                    "university",
                    "customer",
                    "friend of a friend",
                    None,
                ),
                weights=(30, 15, 10, 10, 10, 10, 15),
            )[0]
        introducer = None
        if p.how_met == "introduction" and p.id > 5:
            introducer = rng.randint(1, p.id - 1)
        if rng.random() < 0.92:
            org, domain = rng.choices(orgs, cum_weights=org_cum)[0]
            p.org, p.domain, p.title = org, domain, rng.choice(D.TITLES)
            self._jobs(p, orgs)
        event = (
            next((e for e in self.events if e["id"] == p.event_id), None) if p.event_id else None
        )
        created = max(p.met_at, self.start - timedelta(days=rng.randint(0, 30)))
        self._add(
            "people",
            {
                "name": p.name,
                "name_key": fold(p.name),
                "given_name": p.given,
                "family_name": p.family,
                "nickname": p.given[:3] if rng.random() < 0.03 and len(p.given) > 4 else None,
                "org": p.org,
                "title": p.title,
                "circle": p.circle,
                "cadence_days": rng.choice((7, 21, 60, 120, 0)) if rng.random() < 0.05 else None,
                "preferred_channel": rng.choice(D.PREFERRED) if rng.random() < 0.4 else None,
                "timezone": zone if rng.random() < 0.7 else None,
                "language": p.country.language if rng.random() < 0.5 else None,
                "best_time": rng.choice(("Mornings", "After 18:00", "Lunch", "Fridays"))
                if p.circle in ("inner", "close") and rng.random() < 0.4
                else None,
                "style_notes": rng.choice(
                    ("Direct; likes agendas", "Chatty; leave time", "Prefers written follow-ups")
                )
                if p.circle == "inner"
                else None,
                "how_met": p.how_met,
                "met_where": event["name"] if event else (city if rng.random() < 0.3 else None),
                "met_on": p.met_at.date() if p.met_at >= self.start or rng.random() < 0.3 else None,
                "met_event_id": p.event_id,
                "introduced_by_id": introducer,
                "notes": self._fill("Met through {topic} work. {detail}", p)
                if rng.random() < 0.15
                else None,
                "photo": None,
                "uid": None,
                "is_group": False,
                "created_at": created,
                "updated_at": created,
                "archived_at": None,
                "last_interaction_at": None,
                "version": 1,
            },
        )
        if event:
            event["attendees"].append(p.id)
        self._contacts(p, city)
        self._dates(p)
        self._tags(p)
        self._facts(p)
        self._questions(p)

    def _jobs(self, p: DraftPerson, orgs: list[tuple[str, str]]) -> None:
        rng = self.rng
        started = self._day(self.today - timedelta(days=8 * 365), self.today - timedelta(days=30))
        if rng.random() < 0.35:
            before = started - timedelta(days=rng.randint(365, 6 * 365))
            self._add(
                "jobs",
                {
                    "person_id": p.id,
                    "organisation": rng.choice(orgs)[0],
                    "title": rng.choice(D.TITLES),
                    "department": None,
                    "start_date": before,
                    "end_date": started,
                },
            )
        self._add(
            "jobs",
            {
                "person_id": p.id,
                "organisation": p.org,
                "title": p.title,
                "department": rng.choice(D.DEPARTMENTS) if rng.random() < 0.3 else None,
                "start_date": started if rng.random() < 0.8 else None,
                "end_date": None,
            },
        )

    def _contacts(self, p: DraftPerson, city: str) -> None:
        rng = self.rng
        local = SPACE.sub(".", fold(p.name)).strip(".") or f"person{p.id}"
        points: list[
            tuple[str, str | None, str, str, str | None]
        ] = []  # kind, label, value, normalized, service
        if p.domain and rng.random() < 0.7:
            points.append(("email", "work", *self._email(local, p.domain), None))
        if rng.random() < (0.6 if points else 0.85):
            points.append(
                ("email", "home", *self._email(local, rng.choice(D.PERSONAL_DOMAINS)), None)
            )
        if rng.random() < 0.65:
            number = self._phone(p.country)
            points.append(("phone", "mobile", number, number, None))
            if rng.random() < 0.12:
                work = self._phone(p.country)
                points.append(("phone", "work", work, work, None))
        if rng.random() < 0.3:
            url = f"https://www.linkedin.com/in/{local.replace('.', '-')}-{p.id}"
            points.append(("social", "linkedin", url, url.lower(), "linkedin"))
        if p.circle in ("inner", "close") and rng.random() < 0.3:
            street = p.country.street.format(n=rng.randint(1, 180), name=self._name(p.country)[1])
            address = f"{street}, {city}"
            points.append(("address", "home", address, fold(address), None))
        for position, (kind, label, value, normalized, service) in enumerate(points):
            self._add(
                "contact_points",
                {
                    "person_id": p.id,
                    "kind": kind,
                    "label": label,
                    "value": value,
                    "normalized": normalized,
                    "service": service,
                    "position": position,
                    "is_primary": position == 0 or (kind == "phone" and label == "mobile"),
                },
            )

    def _email(self, local: str, domain: str) -> tuple[str, str]:
        address = f"{local}@{domain}"
        n = 1
        while address in self.seen_emails:
            n += 1
            address = f"{local}{n}@{domain}"
        self.seen_emails.add(address)
        return address, address.lower()

    def _phone(self, country: Country) -> str:
        rng = self.rng
        first = str(rng.randint(2, 9)) if country.dial == "+1" else str(rng.randint(0, 9))
        rest = "".join(str(rng.randint(0, 9)) for _ in range(country.digits - 1))
        return country.dial + rng.choice(country.mobile_prefixes) + first + rest

    def _dates(self, p: DraftPerson) -> None:
        rng = self.rng
        if rng.random() < 0.7:
            day = date(2000, 1, 1) + timedelta(days=rng.randint(0, 365))  # 2000 is a leap year
            year: int | None = self.today.year - rng.randint(24, 66)
            if rng.random() < 0.3:
                year = None
            elif day.month == 2 and day.day == 29 and not is_leap(year or 2000):
                day = date(2000, 2, 28)
            self._add(
                "important_dates",
                {
                    "person_id": p.id,
                    "kind": "birthday",
                    "label": None,
                    "year": year,
                    "month": day.month,
                    "day": day.day,
                },
            )
        if p.circle in ("inner", "close") and rng.random() < 0.2:
            day = self._day(date(self.today.year - 20, 1, 1), date(self.today.year - 1, 12, 28))
            self._add(
                "important_dates",
                {
                    "person_id": p.id,
                    "kind": "anniversary",
                    "label": "Wedding anniversary",
                    "year": day.year,
                    "month": day.month,
                    "day": day.day,
                },
            )
        elif rng.random() < 0.01:
            day = self._day(date(self.today.year - 10, 1, 1), self.today)
            self._add(
                "important_dates",
                {
                    "person_id": p.id,
                    "kind": "custom",
                    "label": "Founded their company",
                    "year": day.year,
                    "month": day.month,
                    "day": day.day,
                },
            )

    def _tags(self, p: DraftPerson) -> None:
        count = self.rng.choices((0, 1, 2, 3), weights=(35, 35, 20, 10))[0]
        names = dict.fromkeys(self.rng.choices(D.TAGS, cum_weights=TAG_CUM, k=count))
        for name in names:
            if name not in self.tag_ids:
                self.tag_ids[name] = self._add("tags", {"name": name})
            self.rows["person_tags"].append({"person_id": p.id, "tag_id": self.tag_ids[name]})

    def _facts(self, p: DraftPerson) -> None:
        rng = self.rng
        low, high = {"inner": (4, 7), "close": (2, 4), "network": (0, 2), "acquaintance": (0, 1)}[
            p.circle
        ]
        count = rng.randint(low, high)
        if p.circle == "acquaintance" and rng.random() < 0.7:
            count = 0
        kinds = rng.choices(FACT_KINDS, weights=(35, 15, 10, 15, 10, 10, 5), k=count)
        if p.circle == "inner":  # what you know about your closest people covers every kind
            kinds = [k for k in FACT_KINDS if k not in self.fact_kinds] + kinds
        self.fact_kinds.update(kinds)
        for kind in kinds:
            happened = None
            if kind == "interest":
                text_ = f"Loves {rng.choice(D.INTERESTS)}"
            elif kind == "family":
                text_ = self._fill(rng.choice(D.FAMILY), p)
            elif kind == "pet":
                animal, pet_name = rng.choice(D.PETS)
                text_ = f"Has a {animal} called {pet_name}"
            elif kind == "preference":
                text_ = rng.choice(D.PREFERENCES)
            elif kind == "goal":
                text_ = self._fill(rng.choice(D.GOALS), p)
            elif kind == "life_event":
                text_ = self._fill(rng.choice(D.LIFE_EVENTS), p)
                happened = self._day(max(p.met_at, self.start).date(), self.today)
            else:
                text_ = self._fill(rng.choice(D.OTHER_FACTS), p)
            self._add(
                "facts",
                {
                    "person_id": p.id,
                    "kind": kind,
                    "text": text_,
                    "happened_on": happened,
                    "source": "demo",
                    "created_at": self._moment(max(p.met_at, self.start)),
                },
            )

    def _questions(self, p: DraftPerson) -> None:
        rng = self.rng
        chance = {"inner": 0.7, "close": 0.5, "network": 0.1, "acquaintance": 0.01}[p.circle]
        if rng.random() >= chance:
            return
        for _ in range(rng.randint(1, 2)):
            created = self._moment(max(p.met_at, self.now - timedelta(days=200)))
            asked = rng.random() < 0.4 and created < self.now - timedelta(days=2)
            asked_at = self._moment(created) if asked else None
            self._add(
                "questions",
                {
                    "person_id": p.id,
                    "text": self._fill(rng.choice(D.QUESTIONS), p),
                    "created_at": created,
                    "asked_at": asked_at,
                    "asked_interaction_id": None,
                    "answer": rng.choice(
                        (
                            "Went well, they got the job.",
                            "Still undecided.",
                            "All good, thanks for asking.",
                        )
                    )
                    if asked
                    else None,
                    "answer_fact_id": None,
                },
            )
