"""The import pipeline on SQLite and PostgreSQL: match, plan, apply, threads, calendars."""

from __future__ import annotations

from datetime import UTC, datetime

from amity.book import Book, PersonInput
from amity.book.transfer import ImportOptions, ImportResult
from tests.conftest import Clock

ANA_VCARD = b"""BEGIN:VCARD\r
VERSION:3.0\r
UID:ana-1\r
FN:Ana Lima\r
N:Lima;Ana;;;\r
EMAIL;TYPE=work:ana@acme.example\r
TEL;TYPE=cell:+1 415 555 0101\r
ORG:Acme\r
CATEGORIES:Friends,Python\r
BDAY:--04-15\r
END:VCARD\r
BEGIN:VCARD\r
VERSION:3.0\r
FN:Bruno Costa\r
EMAIL:bruno@beta.example\r
END:VCARD\r
BEGIN:VCARD\r
VERSION:3.0\r
N:;;;;\r
END:VCARD\r
"""

# the same people as exported by another tool: Ana by phone (other format), Bruno by e-mail
OVERLAP_CSV = (
    b"First Name,Last Name,E-mail Address,Mobile Phone,Company,Job Title\r\n"
    b"Ana,Lima,,(415) 555-0101,Acme,CTO\r\n"
    b"Bruno,Costa,BRUNO@beta.example,,,\r\n"
    b"Carla,Dias,carla@gamma.example,,Gamma,\r\n"
)


def _run(book: Book, data: bytes, fmt: str, *, create_people: bool = False,
         dry_run: bool = False) -> ImportResult:  # fmt: skip
    options = ImportOptions(create_people=create_people)
    return book.transfer.run(data, fmt, options=options, dry_run=dry_run)


def test_vcard_import_reports_the_bad_card_with_its_line(book: Book) -> None:
    result = _run(book, ANA_VCARD, "vcard")
    assert result.summary()["people_new"] == 2
    assert [(e.line, "no name" in e.reason) for e in result.plan.errors] == [(17, True)]
    ana = book.people.get("ana@acme.example")
    assert ana.birthday is not None and (ana.birthday.month, ana.birthday.day) == (4, 15)
    assert ana.birthday.year is None
    assert ana.tags == ["friends", "python"] and ana.org == "Acme" and ana.uid == "ana-1"
    assert ana.phones == ["+1 415 555 0101"]


def test_overlapping_export_merges_by_phone_and_email_instead_of_duplicating(book: Book) -> None:
    _run(book, ANA_VCARD, "vcard")
    result = _run(book, OVERLAP_CSV, "outlook")
    counts = result.summary()
    assert counts["people_new"] == 1  # Carla
    assert counts["people_merged"] == 2  # Ana gains a title, Bruno his given/family names
    assert counts["people_unchanged"] == 0
    assert book.people.count() == 3
    ana = book.people.get("Ana Lima")
    assert ana.title == "CTO" and ana.phones == ["+1 415 555 0101"]
    merged = next(d for d in result.plan.people if d.action == "merge")
    assert merged.matched_by == "phone +14155550101" and "title" in merged.changes


def test_dry_run_writes_nothing_and_counts_what_the_import_then_does(book: Book) -> None:
    _run(book, ANA_VCARD, "vcard")
    before = book.counts()
    plan = _run(book, OVERLAP_CSV, "outlook", dry_run=True)
    assert book.counts() == before
    applied = _run(book, OVERLAP_CSV, "outlook")
    assert plan.plan.summary() == applied.plan.summary()


def test_plan_then_apply_equals_run(book: Book) -> None:
    plan = book.transfer.plan(ANA_VCARD, "vcard")
    assert [d.action for d in plan.people] == ["new", "new"]
    book.transfer.apply(plan)
    assert book.people.count() == 2
    again = book.transfer.plan(ANA_VCARD, "vcard")
    assert again.summary()["people_unchanged"] == 2 and not again.people


def _mail(n: int, sender: str, to: str, when: str, msg_id: str, reply_to: str | None = None) -> str:
    extra = f"In-Reply-To: <{reply_to}>\nReferences: <{reply_to}>\n" if reply_to else ""
    return (
        f"From {sender} {when}\nFrom: {sender}\nTo: {to}\nSubject: Topic {n}\n"
        f"Date: {when}\nMessage-ID: <{msg_id}>\n{extra}\nbody\n\n"
    )


MBOX = (
    _mail(1, "ana@acme.example", "me@home.example", "Mon, 02 Nov 2026 09:00:00 +0000", "a1@x")
    + _mail(
        2,
        "me@home.example",
        "ana@acme.example",
        "Mon, 02 Nov 2026 13:30:00 +0000",
        "m1@x",
        reply_to="a1@x",
    )
    + _mail(3, "bruno@beta.example", "me@home.example", "Tue, 03 Nov 2026 10:00:00 +0000", "b1@x")
    + _mail(4, "news@lists.example", "me@home.example", "Tue, 03 Nov 2026 11:00:00 +0000", "n1@x")
).encode()


def test_mail_threads_set_awaiting_reply_and_response_time(book: Book) -> None:
    book.settings.set("me.emails", ["me@home.example"])
    _run(book, ANA_VCARD, "vcard")
    result = _run(book, MBOX, "mbox")
    counts = result.summary()
    assert counts["interactions_new"] == 3
    assert counts["unknown_people"] == 1  # news@lists.example, not created
    assert result.plan.unknown == {"news@lists.example": ""}
    waiting = book.interactions.awaiting_reply()
    assert [i.subject for i in waiting] == ["Topic 3"]
    ana_mail = [i for i in book.interactions.timeline("Ana Lima") if i.direction == "inbound"]
    assert ana_mail[0].needs_reply
    assert ana_mail[0].replied_at == datetime(2026, 11, 2, 13, 30, tzinfo=UTC)
    assert book.people.get("Ana Lima").last_interaction_at == datetime(
        2026, 11, 2, 13, 30, tzinfo=UTC
    )
    again = _run(book, MBOX, "mbox")
    assert again.summary()["interactions_new"] == 0
    assert book.interactions.count() == 3


CALENDAR = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
BEGIN:VEVENT\r
UID:past-1\r
DTSTART:20261110T140000Z\r
DTEND:20261110T150000Z\r
SUMMARY:Roadmap review\r
ORGANIZER;CN=Me:mailto:me@home.example\r
ATTENDEE;CN=Ana Lima:mailto:ana@acme.example\r
ATTENDEE;CN=Dora Newcomer:mailto:dora@delta.example\r
ATTENDEE:mailto:me@home.example\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:future-1\r
DTSTART:20261201T090000Z\r
DTEND:20261201T093000Z\r
SUMMARY:Coffee with Ana\r
ATTENDEE:mailto:ana@acme.example\r
END:VEVENT\r
END:VCALENDAR\r
"""


def test_calendar_past_meetings_future_planned_own_address_and_unknown_attendees(
    book: Book, clock: Clock
) -> None:
    book.settings.set("me.emails", ["me@home.example"])
    _run(book, ANA_VCARD, "vcard")
    result = _run(book, CALENDAR, "ics")
    assert result.summary()["interactions_new"] == 2
    assert result.plan.unknown == {"dora@delta.example": "Dora Newcomer"}
    meetings = {i.subject: i for i in book.interactions.timeline("Ana Lima")}
    assert meetings["Roadmap review"].status == "done"
    assert [p.name for p in meetings["Roadmap review"].people] == ["Ana Lima"]
    assert meetings["Coffee with Ana"].status == "planned"
    ana = book.people.get("Ana Lima")
    assert ana.last_interaction_at == datetime(2026, 11, 10, 14, 0, tzinfo=UTC)

    created = _run(book, CALENDAR, "ics", create_people=True)
    assert created.summary()["people_new"] == 1
    assert created.summary()["interactions_new"] == 0  # already imported, not re-added
    assert book.people.get("dora@delta.example").name == "Dora Newcomer"


def test_merging_keeps_what_the_user_typed(book: Book) -> None:
    book.people.add(PersonInput(name="Ana L.", emails=["ana@acme.example"], org="Acme Corp"))
    result = _run(book, ANA_VCARD, "vcard")
    assert result.summary()["people_merged"] == 1
    ana = book.people.get("ana@acme.example")
    assert ana.name == "Ana L." and ana.org == "Acme Corp"  # not overwritten
    assert ana.phones == ["+1 415 555 0101"] and ana.tags == ["friends", "python"]


LINKEDIN = b"""Notes:
"When exporting your connection data, you may notice that some of the email addresses are missing."

First Name,Last Name,URL,Email Address,Company,Position,Connected On
Ana,Lima,https://www.linkedin.com/in/ana-lima,ana@acme.example,"Acme, Inc.",CTO,12 Mar 2024
Bruno,Costa,https://www.linkedin.com/in/bruno-costa,,Globex,Engineer,01 Feb 2023
"""


def test_linkedin_rows_without_email_are_found_again_by_profile(book: Book) -> None:
    first = _run(book, LINKEDIN, "linkedin")
    assert first.summary()["people_new"] == 2
    bruno = book.people.get("Bruno Costa")
    assert bruno.how_met == "LinkedIn" and str(bruno.met_on) == "2023-02-01"
    assert bruno.org == "Globex"
    assert _run(book, LINKEDIN, "linkedin").summary()["people_unchanged"] == 2
    moved = LINKEDIN.replace(b"Globex,Engineer", b"Initech,Director")
    later = _run(book, moved, "linkedin")
    assert later.summary()["people_new"] == 0
    assert book.people.count() == 2
    # a newer export is news: the job moves on (issue 10, work milestones)
    bruno = book.people.get("Bruno Costa")
    assert (bruno.org, bruno.title) == ("Initech", "Director")


def _card(uid: str | None, name: str, phone: str = "+44 20 7946 0000") -> str:
    uid_line = f"UID:{uid}\r\n" if uid else ""
    return f"BEGIN:VCARD\r\nVERSION:3.0\r\n{uid_line}FN:{name}\r\nTEL;TYPE=work:{phone}\r\nEND:VCARD\r\n"


def test_a_shared_office_phone_never_merges_cards_with_different_uids(book: Book) -> None:
    """Issue 15's probe: 50,000 cards sharing office numbers became 10,000 people."""
    cards = "".join(_card(f"uid-{i}", name) for i, name in enumerate(
        ["Ana Lima", "Bruno Costa", "Carla Dias", "Ana Lima"]))  # fmt: skip
    result = _run(book, cards.encode(), "vcard")
    assert result.summary()["people_new"] == 4
    assert book.people.count() == 4
    # pairs sharing only the phone are for `amity dupes` to show (the two Ana Lima first)
    pairs = [(p.a.name, p.b.name, p.reasons) for p in book.transfer.dupes()]
    assert len(pairs) == 6 and pairs[0][:2] == ("Ana Lima", "Ana Lima")
    assert "same phone +442079460000" in pairs[0][2] and "same name" in pairs[0][2]
    # re-importing the same file changes nothing
    again = _run(book, cards.encode(), "vcard")
    assert again.summary()["people_new"] == 0 and book.people.count() == 4


def test_a_shared_phone_merges_a_card_without_uid_only_when_the_names_agree(book: Book) -> None:
    _run(book, _card("ana-1", "Ana Lima").encode(), "vcard")
    other = _run(book, _card(None, "Reception Desk").encode(), "vcard")
    assert other.summary()["people_new"] == 1 and book.people.count() == 2
    same = _run(book, _card(None, "ana lima", phone="+442079460000").encode(), "vcard")
    assert same.summary()["people_new"] == 0 and book.people.count() == 2
