"""Planning an import: match parsed records against the book and decide, record by record.

- **match**: a person record is the same person as one in the book (or earlier in the file)
  when it carries the same UID, e-mail address, phone (E.164) or social profile URL; an
  interaction record is already imported when its ``(source, source_ref)`` is in the book;
- **plan**: one decision per record — a new person, merged into an existing one (with the
  fields it fills in), unchanged, an interaction to add, skipped, an error — and the counts.

`Planner.plan` looks one batch up with a handful of queries and keeps what earlier batches
planned, so a file's later records match its earlier ones.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, select

from amity.book.context import BookContext
from amity.book.transfer.keys import (
    BATCH,
    SCALARS,
    addresses_of,
    chunks,
    fit,
    group_card,
    identifies_person,
    interaction_label,
    interaction_problem,
    job_news,
    normalize_points,
    notes_with_unrecognised,
    organisation_card,
    own_uid,
    person_problem,
    record_dates,
    record_relations,
    record_tags,
    record_uid,
    record_value,
)
from amity.formats.records import (
    InteractionRecord,
    Item,
    PersonRecord,
    RecordError,
    RecordWarning,
    SkippedRecord,
    set_aside_bad_emails,
    unrecognised_warnings,
)
from amity.model import ContactPoint, PartialDate
from amity.rules.dupes import names_clearly_differ
from amity.rules.text import clean_text
from amity.rules.words import gain_words
from amity.store import schema as s

COUNT_KEYS = (
    "people_new", "people_merged", "people_unchanged", "fields_updated",
    "organisations_new", "organisations_merged", "organisations_unchanged",
    "groups_new", "groups_merged", "groups_unchanged",
    "interactions_new", "interactions_skipped", "skipped", "errors", "unknown_people",
    "warnings",
)  # fmt: skip


# --- the plan --------------------------------------------------------------------------------


@dataclass
class PersonDecision:
    """``new``: create; ``merge``: fill in ``changes`` on ``target``; ``unchanged``: nothing."""

    action: str
    record: PersonRecord
    target: int  # a person id, or a negative key for a person this plan creates
    changes: list[str] = field(default_factory=list)
    matched_by: str | None = None
    gains: list[str] = field(default_factory=list)  # with PlanOptions.describe: "e-mail a@b.org"


@dataclass
class InteractionDecision:
    record: InteractionRecord
    people: list[int]  # person ids, or negative keys of people this plan creates
    existing_id: int | None = None  # already imported: only link the people created now


@dataclass
class OrganisationDecision:
    """A company card: ``new`` or ``merge`` (fills what the organisation lacks)."""

    action: str
    record: PersonRecord


@dataclass
class ImportPlan:
    people: list[PersonDecision] = field(default_factory=list)
    organisations: list[OrganisationDecision] = field(default_factory=list)
    groups: list[OrganisationDecision] = field(default_factory=list)  # group cards, same shape
    interactions: list[InteractionDecision] = field(default_factory=list)
    errors: list[RecordError] = field(default_factory=list)
    skipped: list[SkippedRecord] = field(default_factory=list)
    warnings: list[RecordWarning] = field(default_factory=list)  # a capped series, a bad e-mail
    unknown: dict[str, str] = field(default_factory=dict)  # e-mail -> name, not created
    counts: Counter[str] = field(default_factory=Counter)
    thread_keys: set[str] = field(default_factory=set)

    def summary(self) -> dict[str, int]:
        return {key: int(self.counts.get(key, 0)) for key in COUNT_KEYS}


@dataclass
class PlanOptions:
    create_people: bool = False
    own_addresses: frozenset[str] = frozenset()
    keep_decisions: bool = True  # False: count interactions only (a huge dry run stays flat)
    describe: bool = False  # a preview: each person's decision lists what they get, in words


@dataclass
class _Known:
    """What the book (or this plan) already holds about a person, to decide what is new."""

    fields: dict[str, Any]
    points: set[tuple[str, str]]
    tags: set[str]
    dates: set[tuple[str, str | None, int, int, int | None]]
    relations: set[tuple[str, str]]
    name: str = ""
    uid: str | None = None  # a card's own UID (not one derived by Amity)


# --- planning --------------------------------------------------------------------------------


class Planner:
    """Decides what each record means for the book; keeps what earlier records planned."""

    def __init__(self, ctx: BookContext, options: PlanOptions) -> None:
        self._ctx = ctx
        self._options = options
        self._region = "US"
        self._by_uid: dict[str, int] = {}
        self._by_email: dict[str, int] = {}
        self._by_phone: dict[str, int] = {}
        self._by_social: dict[str, int] = {}
        self._known: dict[int, _Known] = {}
        self._seen_refs: set[tuple[str, str]] = set()
        self._unknown: set[str] = set()
        self._organisations: set[str] = set()  # planned already (UIDs and name keys)
        self._next_key = -1

    def forget_book(self) -> None:
        """Drop what was looked up or planned (after a batch is applied, the book has it)."""
        self._by_uid.clear()
        self._by_email.clear()
        self._by_phone.clear()
        self._by_social.clear()
        self._known.clear()

    def plan(self, conn: Connection, items: Sequence[Item], plan: ImportPlan) -> None:
        self._region = self._ctx.setting("phone.region", conn) or "US"
        records = [set_aside_bad_emails(i) for i in items if isinstance(i, PersonRecord)]
        people = [r for r in records if not r.is_org and not r.is_group]
        messages = [i for i in items if isinstance(i, InteractionRecord)]
        self._look_up(conn, people, messages)
        already = self._imported_refs(conn, messages)
        for item in items:
            if isinstance(item, RecordError):
                plan.errors.append(item)
                plan.counts["errors"] += 1
            elif isinstance(item, SkippedRecord):
                self._skip(plan, item)
            elif isinstance(item, RecordWarning):
                plan.warnings.append(item)
                plan.counts["warnings"] += 1
            elif isinstance(item, PersonRecord):
                found = unrecognised_warnings(item)
                plan.warnings += found
                plan.counts["warnings"] += len(found)
                if item.is_org:
                    self._plan_organisation(conn, item, plan)
                elif item.is_group:
                    self._plan_group(conn, item, plan)
                else:
                    self._plan_person(item, plan)
            else:
                self._plan_interaction(item, plan, already)

    # --- looking the book up, a handful of queries per batch ---------------------------

    def _look_up(self, conn: Connection, people: list[PersonRecord],
                 messages: list[InteractionRecord]) -> None:  # fmt: skip
        for record in people:
            normalize_points(record, self._region)
        owner = self._ctx.owner_id
        uids = {record_uid(r) for r in people} - self._by_uid.keys()
        card_emails = {cp.normalized for r in people for cp in r.emails}
        emails = card_emails | {e.lower() for m in messages for e in addresses_of(m)}
        emails -= self._by_email.keys()
        phones = {cp.normalized for r in people for cp in r.phones
                  if identifies_person(cp.normalized)} - self._by_phone.keys()  # fmt: skip
        socials = {cp.normalized for r in people for cp in r.socials} - self._by_social.keys()
        p, cp = s.people, s.contact_points
        found: set[int] = set()
        for chunk in chunks(sorted(uids), BATCH):
            for r in conn.execute(select(p.c.id, p.c.uid).where(p.c.owner_id == owner,
                                  p.c.uid.in_(chunk)).order_by(p.c.id.desc())):  # fmt: skip
                self._by_uid[r.uid] = r.id
                found.add(r.id)
        for kind, keys, index in (
            ("email", emails, self._by_email),
            ("phone", phones, self._by_phone),
            ("social", socials, self._by_social),
        ):
            for chunk in chunks(sorted(keys), BATCH):
                for r in conn.execute(select(cp.c.person_id, cp.c.normalized).where(
                        cp.c.owner_id == owner, cp.c.kind == kind, cp.c.normalized.in_(chunk))
                        .order_by(cp.c.person_id.desc())):  # fmt: skip
                    index[r.normalized] = r.person_id
                    if kind != "email" or r.normalized in card_emails:
                        found.add(r.person_id)  # a card may merge into them: know what they have
        self._load_known(conn, sorted(found - self._known.keys()))

    def _load_known(self, conn: Connection, ids: list[int]) -> None:
        owner = self._ctx.owner_id
        p, cp, d, rel = s.people, s.contact_points, s.important_dates, s.relationships
        t, pt = s.tags, s.person_tags
        for chunk in chunks(ids, BATCH):
            for r in conn.execute(
                select(p.c.id, p.c.name, p.c.uid, *(p.c[n] for n in SCALARS)).where(
                    p.c.owner_id == owner, p.c.id.in_(chunk)
                )
            ):
                self._known[r.id] = _Known({n: getattr(r, n) for n in SCALARS}, set(), set(),
                                           set(), set(), r.name or "", own_uid(r.uid))  # fmt: skip
            for r in conn.execute(
                select(cp.c.person_id, cp.c.kind, cp.c.normalized).where(
                    cp.c.owner_id == owner, cp.c.person_id.in_(chunk)
                )
            ):
                self._known[r.person_id].points.add((r.kind, r.normalized))
            for r in conn.execute(
                select(pt.c.person_id, t.c.name)
                .join(t, t.c.id == pt.c.tag_id)
                .where(pt.c.owner_id == owner, pt.c.person_id.in_(chunk))
            ):
                self._known[r.person_id].tags.add(r.name)
            for r in conn.execute(
                select(d.c.person_id, d.c.kind, d.c.label, d.c.month, d.c.day, d.c.year).where(
                    d.c.owner_id == owner, d.c.person_id.in_(chunk)
                )
            ):
                self._known[r.person_id].dates.add((r.kind, r.label, r.month, r.day, r.year))
            for r in conn.execute(select(rel.c.person_a_id, rel.c.kind, rel.c.name_hint)
                                  .where(rel.c.owner_id == owner, rel.c.person_a_id.in_(chunk),
                                         rel.c.name_hint.is_not(None))):  # fmt: skip
                self._known[r.person_a_id].relations.add((r.kind, r.name_hint))

    def _imported_refs(
        self, conn: Connection, messages: list[InteractionRecord]
    ) -> dict[tuple[str, str], int]:
        i = s.interactions
        wanted: dict[str, set[str]] = {}
        for m in messages:
            wanted.setdefault(m.source or "import", set()).add(fit(m.source_ref, 500) or "")
        found: dict[tuple[str, str], int] = {}
        for source, refs in wanted.items():
            for chunk in chunks(sorted(refs), BATCH):
                found.update(((source, r.source_ref), r.id) for r in conn.execute(
                    select(i.c.id, i.c.source_ref).where(
                        i.c.owner_id == self._ctx.owner_id, i.c.source == source,
                        i.c.source_ref.in_(chunk))))  # fmt: skip
        return found

    # --- people --------------------------------------------------------------------------

    def target_of(self, record: PersonRecord) -> int | None:
        """The person a planned record is (an id, or a negative key of one this plan creates)."""
        return self._match(record)[0]

    def _match(self, record: PersonRecord) -> tuple[int | None, str | None]:
        uid = record_uid(record)
        if uid in self._by_uid:
            return self._by_uid[uid], "uid"
        for point in record.emails:
            if point.normalized in self._by_email:
                return self._by_email[point.normalized], f"e-mail {point.normalized}"
        for point in record.phones:
            target = self._by_phone.get(point.normalized)
            if target is not None and self._phone_may_merge(record, target):
                return target, f"phone {point.normalized}"
        for point in record.socials:
            if point.normalized in self._by_social:
                return self._by_social[point.normalized], f"profile {point.normalized}"
        return None, None

    def _phone_may_merge(self, record: PersonRecord, target: int) -> bool:
        """A shared phone alone (an office switchboard, a family landline) never merges two
        cards with different UIDs or clearly different names: `amity dupes` lists them."""
        known = self._known.get(target)
        if known is None:
            return True
        if record.uid and known.uid and own_uid(record.uid) != known.uid:
            return False
        return not names_clearly_differ(record.name, known.name)

    def _plan_person(self, record: PersonRecord, plan: ImportPlan) -> None:
        problem = person_problem(record)
        if problem:
            plan.errors.append(RecordError(record.line, record.name[:80] or "card", problem))
            plan.counts["errors"] += 1
            return
        target, matched_by = self._match(record)
        gains: list[str] | None = [] if self._options.describe else None
        if target is None:
            target = self._new_person(record, gains)
            decision = PersonDecision("new", record, target, gains=gains or [])
            plan.counts["people_new"] += 1
        else:
            changes = self._merge_into(target, record, gains)
            action = "merge" if changes else "unchanged"
            decision = PersonDecision(action, record, target, changes, matched_by, gains or [])
            plan.counts["people_merged" if changes else "people_unchanged"] += 1
            plan.counts["fields_updated"] += len(changes)
        self._index(record, target)
        if decision.action != "unchanged":
            plan.people.append(decision)

    def _plan_organisation(self, conn: Connection, record: PersonRecord, plan: ImportPlan) -> None:
        """A company card is an organisation (``book.organisations``), never a person."""
        from amity.book.organisations import Organisations
        from amity.rules.organisations import organisation_key

        card = organisation_card(record)
        if not card.name:
            plan.errors.append(RecordError(record.line, "card", "an organisation without a name"))
            plan.counts["errors"] += 1
            return
        keys = {organisation_key(card.name), f"uid:{card.uid}"}
        if keys & self._organisations:  # twice in one file: the first decides
            plan.counts["organisations_unchanged"] += 1
            if self._options.keep_decisions:
                plan.organisations.append(OrganisationDecision("merge", record))
            return
        self._organisations |= keys
        action, _ = Organisations(self._ctx).upsert_in(conn, card, dry_run=True)
        counter = {"created": "organisations_new", "updated": "organisations_merged"}
        plan.counts[counter.get(action, "organisations_unchanged")] += 1
        if action != "unchanged":
            plan.organisations.append(
                OrganisationDecision("new" if action == "created" else "merge", record)
            )

    def _plan_group(self, conn: Connection, record: PersonRecord, plan: ImportPlan) -> None:
        """A group card is a group (``book.groups``: a tag and its members), never a person."""
        from amity.book.groups import Groups

        card = group_card(record)
        if f"group:{card.uid}" in self._organisations:  # twice in one file: the first decides
            plan.counts["groups_unchanged"] += 1
            return
        self._organisations.add(f"group:{card.uid}")
        action, _ = Groups(self._ctx).upsert_in(conn, card, dry_run=True)
        counter = {"created": "groups_new", "updated": "groups_merged"}
        plan.counts[counter.get(action, "groups_unchanged")] += 1
        if action != "unchanged" or self._options.keep_decisions:
            plan.groups.append(OrganisationDecision(action, record))

    def _new_person(self, record: PersonRecord, gains: list[str] | None = None) -> int:
        key = self._next_key
        self._next_key -= 1
        self._known[key] = _Known(dict.fromkeys(SCALARS), set(), set(), set(), set(),
                                  record.name, own_uid(record.uid))  # fmt: skip
        self._merge_into(key, record, gains)
        return key

    def _index(self, record: PersonRecord, target: int) -> None:
        self._by_uid.setdefault(record_uid(record), target)
        for point in record.emails:
            self._by_email.setdefault(point.normalized, target)
        for point in record.phones:
            if identifies_person(point.normalized):
                self._by_phone.setdefault(point.normalized, target)
        for point in record.socials:
            self._by_social.setdefault(point.normalized, target)

    def _merge_into(self, target: int, record: PersonRecord,
                    gains: list[str] | None = None) -> list[str]:  # fmt: skip
        """What ``record`` adds to the known person; the snapshot is updated as planned. With
        ``gains``, each addition is also described there in words ("title CTO")."""
        known = self._known[target]
        changes = []
        if target >= 0 and job_news(known.fields, record):  # a newer job: see book/milestones
            old = ", ".join(str(v) for v in (known.fields.get("title"), known.fields.get("org"))
                            if v)  # fmt: skip
            known.fields.update(org=record_value(record, "org"),
                                title=record_value(record, "title"))  # fmt: skip
            changes.append("job")
            if gains is not None:
                new = ", ".join(str(v) for v in (known.fields["title"], known.fields["org"]) if v)
                gains.append(f"job {old} → {new}" if old else f"job {new}")
        for name in SCALARS:
            value = record_value(record, name)
            if value not in (None, "") and known.fields.get(name) in (None, ""):
                known.fields[name] = value
                changes.append(name)
                if gains is not None and name != "notes":
                    gains.append(gain_words(name, value))
        notes = notes_with_unrecognised(known.fields.get("notes"), record)
        if notes is not None:
            known.fields["notes"] = notes
            changes.append("notes")
        if gains is not None and "notes" in changes:
            gains.append("notes")
        for point in record.contact_points:
            key = (point.kind, point.normalized)
            if key not in known.points:
                known.points.add(key)
                changes.append(point.kind)
                if gains is not None:
                    gains.append(gain_words(point.kind, point.normalized or point.value))
        for tag in record_tags(record):
            if tag not in known.tags:
                known.tags.add(tag)
                changes.append("tag")
                if gains is not None:
                    gains.append(f"tag {tag}")
        has_birthday = any(d[0] == "birthday" for d in known.dates)
        for entry in record_dates(record):
            if entry in known.dates or (entry[0] == "birthday" and has_birthday):
                continue
            known.dates.add(entry)
            changes.append(entry[0])
            if gains is not None:
                gains.append(gain_words(entry[1] or entry[0], PartialDate(*entry[2:5])))
        for key in record_relations(record):
            if key not in known.relations:
                known.relations.add(key)
                changes.append("relation")
                if gains is not None:
                    gains.append(f"{key[0]} {key[1]}")
        return changes

    # --- interactions ------------------------------------------------------------------

    def _plan_interaction(self, record: InteractionRecord, plan: ImportPlan,
                          already: dict[tuple[str, str], int]) -> None:  # fmt: skip
        problem = interaction_problem(record)
        if problem:
            plan.errors.append(RecordError(record.line, interaction_label(record), problem))
            plan.counts["errors"] += 1
            return
        source = record.source or "import"
        ref = (source, fit(record.source_ref, 500) or "")
        if record.kind == "email" and record.thread_key:
            plan.thread_keys.add(fit(record.thread_key, 500) or "")
        if ref in already or ref in self._seen_refs:
            self._skip(plan, None, counter="interactions_skipped")
            if ref in already and self._options.create_people:
                self._link_new_people(record, plan, already[ref])
            return
        people = self._participants(record, plan)
        if not people:
            reason = "no participant is in the book (import people first, or --create-people)"
            self._skip(plan, SkippedRecord(record.line, interaction_label(record), reason))
            return
        self._seen_refs.add(ref)
        plan.counts["interactions_new"] += 1
        if self._options.keep_decisions:
            plan.interactions.append(InteractionDecision(record, people))

    def _link_new_people(self, record: InteractionRecord, plan: ImportPlan, existing: int) -> None:
        """An imported meeting gains the attendees that --create-people adds now."""
        people = self._participants(record, plan)
        if people:
            plan.interactions.append(InteractionDecision(record, people, existing))

    def _participants(self, record: InteractionRecord, plan: ImportPlan) -> list[int]:
        people: list[int] = []
        for address in addresses_of(record):
            email = address.lower()
            if email in self._options.own_addresses:
                continue
            target = self._by_email.get(email)
            if target is None and self._options.create_people and self._not_an_address(
                    address, record, plan):  # fmt: skip
                continue
            if target is None and self._options.create_people:
                name = record.names_by_email.get(address) or record.names_by_email.get(email)
                person = PersonRecord(name=clean_text(name) or email, source=record.source,
                                      emails=[ContactPoint("email", address, None, email)],
                                      source_ref=f"email:{email}", line=record.line)  # fmt: skip
                target = self._new_person(person)
                self._by_email[email] = target
                plan.counts["people_new"] += 1
                plan.people.append(PersonDecision("new", person, target))
            elif target is None:
                if email not in self._unknown:
                    self._unknown.add(email)
                    plan.unknown[email] = record.names_by_email.get(address, "")
                    plan.counts["unknown_people"] += 1
                continue
            if target not in people:
                people.append(target)
        return people

    def _not_an_address(self, address: str, record: InteractionRecord, plan: ImportPlan) -> bool:
        """An attendee or correspondent whose address is not one (``x@virtual``) never
        becomes a person; the report says so, once per value."""
        from amity.rules.normalize import email_problem

        why = email_problem(address)
        if why is None:
            return False
        if address.lower() not in self._unknown:
            self._unknown.add(address.lower())
            plan.warnings.append(RecordWarning(record.line, interaction_label(record),
                                               f"e-mail {address!r} is not an e-mail address "
                                               f"({why.rstrip('.')}); no person added for it"))  # fmt: skip
            plan.counts["warnings"] += 1
        return True

    def _skip(self, plan: ImportPlan, item: SkippedRecord | None, counter: str = "skipped") -> None:
        plan.counts[counter] += 1
        if item is not None:
            plan.skipped.append(item)
