"""Every page route through the in-process client: the response and the rows it stored."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi import FastAPI

from amity.book import InteractionInput, PersonInput
from tests.conftest import Clock
from tests.web.conftest import WebUser


def test_today_lists_people_due_with_reason_and_done_hides_the_item(
    ann: WebUser, clock: Clock
) -> None:
    ana = ann.book.people.add(PersonInput(name="Ana Lima", circle="close"))
    ann.book.interactions.log(
        InteractionInput(people=[ana.id], kind="call", occurred_at=clock() - timedelta(days=47))
    )
    page = ann.get("/")
    assert page.status_code == 200
    assert "Keep in touch" in page.text and "Ana Lima" in page.text
    item = next(a for a in ann.book.agenda.items() if a.kind == "keep_in_touch")
    assert item.key in page.text
    done = ann.post("/today/act", {"key": item.key, "action": "done"}, htmx=True)
    assert done.status_code == 200 and 'id="agenda"' in done.text  # the list again, with Undo
    assert item.key not in done.text.split('id="agenda-toast"')[1].split("</div>", 1)[1]
    assert item.key not in [a.key for a in ann.book.agenda.items()]
    assert item.key not in ann.get("/").text


def test_snooze_and_dismiss_store_the_state(ann: WebUser, clock: Clock) -> None:
    for name in ("Bo", "Cy"):
        person = ann.book.people.add(PersonInput(name=name, circle="close"))
        ann.book.interactions.log(
            InteractionInput(people=[person.id], occurred_at=clock() - timedelta(days=60))
        )
    keys = [a.key for a in ann.book.agenda.items() if a.kind == "keep_in_touch"]
    assert (
        ann.post(
            "/today/act", {"key": keys[0], "action": "snooze", "snooze": "1w"}, htmx=True
        ).status_code
        == 200
    )
    assert (
        ann.post("/today/act", {"key": keys[1], "action": "dismiss"}, htmx=True).status_code == 200
    )
    states = {s.key: s for s in ann.book.agenda.states()}
    assert states[keys[0]].state == "snoozed"
    assert states[keys[1]].state == "dismissed"
    bad = ann.post("/today/act", {"key": keys[0], "action": "explode"}, htmx=True)
    assert bad.status_code == 422


def test_empty_book_today_invites_to_add_people(ann: WebUser) -> None:
    page = ann.get("/")
    assert page.status_code == 200
    assert "Your book is empty" in page.text


def test_add_person_form_stores_the_person_and_redirects(ann: WebUser) -> None:
    answer = ann.post(
        "/people",
        {
            "name": "Dana Ruiz",
            "emails": "dana@example.com",
            "org": "Acme",
            "tags": "python, berlin",
            "circle": "close",
        },
    )
    assert answer.status_code == 303
    person_id = int(answer.headers["location"].rsplit("/", 1)[1])
    stored = ann.book.people.get(person_id)
    assert stored.name == "Dana Ruiz" and stored.emails == ["dana@example.com"]
    assert sorted(stored.tags) == ["berlin", "python"] and stored.circle == "close"
    assert "Dana Ruiz" in ann.get(f"/people/{person_id}").text


def test_add_person_without_a_name_explains_and_writes_nothing(ann: WebUser) -> None:
    answer = ann.post("/people", {"name": "  ", "emails": "x@example.com"})
    assert answer.status_code == 422
    assert "needs a name" in answer.text
    assert ann.book.people.count() == 0


def test_people_list_searches_filters_sorts_and_pages(ann: WebUser, clock: Clock) -> None:
    for n in range(55):
        ann.book.people.add(PersonInput(name=f"Person {n:02d}", tags=["bulk"] if n < 3 else []))
    ann.book.people.add(PersonInput(name="Zoë Quinn", org="Globex", circle="inner"))
    first = ann.get("/people")
    assert first.status_code == 200 and "Page 1" in first.text and "Next" in first.text
    second = ann.get("/people?page=2")
    assert "Person 50" in second.text and "Person 00" not in second.text
    partial = ann.get("/people?q=zo", headers={"HX-Request": "true", "HX-Target": "people-results"})
    assert "Zoë Quinn" in partial.text and "<html" not in partial.text
    assert "Person 01" not in partial.text
    assert "Zoë Quinn" in ann.get("/people?org=glob").text
    assert "Zoë Quinn" in ann.get("/people?circle=inner").text
    tagged = ann.get("/people?tag=bulk").text
    assert "Person 02" in tagged and "Person 03" not in tagged
    assert ann.get("/people?sort=bogus").status_code == 422
    assert ann.get("/people?page=0").status_code == 422


def test_bulk_actions_tag_set_circle_cadence_and_archive(ann: WebUser) -> None:
    ids = [ann.book.people.add(PersonInput(name=f"P{n}")).id for n in range(3)]
    assert (
        ann.post("/people/bulk", {"ids": ids[:2], "action": "tag", "value": "vip"}).status_code
        == 200
    )
    assert (
        ann.post("/people/bulk", {"ids": ids, "action": "circle", "value": "inner"}).status_code
        == 200
    )
    assert (
        ann.post("/people/bulk", {"ids": ids[:1], "action": "cadence", "value": "3w"}).status_code
        == 200
    )
    people = {p.id: p for p in ann.book.people.list()}
    assert people[ids[0]].tags == ["vip"] and people[ids[2]].tags == []
    assert {p.circle for p in people.values()} == {"inner"}
    assert people[ids[0]].cadence_days == 21
    bad = ann.post("/people/bulk", {"ids": ids, "action": "cadence", "value": "soon"})
    assert bad.status_code == 422
    assert ann.book.people.get(ids[1]).cadence_days is None  # nothing half-written
    assert ann.post("/people/bulk", {"ids": ids[2:], "action": "archive"}).status_code == 200
    assert ann.book.people.count() == 2


def test_person_page_edits_in_place_and_adds_facts_questions_dates(ann: WebUser) -> None:
    person = ann.book.people.add(PersonInput(name="Eve Ng", emails=["eve@example.com"], tags=["a"]))
    assert ann.get(f"/people/{person.id}/edit").status_code == 200
    saved = ann.post(
        f"/people/{person.id}/edit",
        {
            "name": "Eve Ng-Park",
            "emails": "eve@new.example.com",
            "tags": "b",
            "org": "Initech",
            "title": "CTO",
            "version": str(person.version),
        },
        htmx=True,
    )
    assert saved.status_code == 200 and "Saved." in saved.text
    stored = ann.book.people.get(person.id)
    assert stored.name == "Eve Ng-Park" and stored.emails == ["eve@new.example.com"]
    assert stored.tags == ["b"] and stored.org == "Initech"
    stale = ann.post(
        f"/people/{person.id}/edit", {"name": "Old", "version": str(person.version)}, htmx=True
    )
    assert stale.status_code == 409 and ann.book.people.get(person.id).name == "Eve Ng-Park"
    assert (
        ann.post(
            f"/people/{person.id}/facts", {"kind": "interest", "text": "Bouldering"}, htmx=True
        ).status_code
        == 200
    )
    assert (
        ann.post(
            f"/people/{person.id}/questions", {"text": "How was Lisbon?"}, htmx=True
        ).status_code
        == 200
    )
    assert (
        ann.post(
            f"/people/{person.id}/dates",
            {"kind": "anniversary", "when": "--06-01", "label": "Wedding"},
            htmx=True,
        ).status_code
        == 200
    )
    details = ann.book.people.get(person.id)
    assert [f.text for f in details.facts] == ["Bouldering"]
    assert [q.text for q in details.questions] == ["How was Lisbon?"]
    assert [(d.kind, d.label) for d in details.dates] == [("anniversary", "Wedding")]
    bad_date = ann.post(
        f"/people/{person.id}/dates", {"kind": "custom", "when": "someday"}, htmx=True
    )
    assert bad_date.status_code == 422 and "is not a date" in bad_date.text
    page = ann.get(f"/people/{person.id}").text
    assert "Bouldering" in page and "How was Lisbon?" in page and "Wedding" in page


def test_marking_a_question_asked_keeps_the_answer_as_a_fact(ann: WebUser) -> None:
    person = ann.book.people.add(PersonInput(name="Quinn"))
    question = ann.book.people.add_question(person.id, "Which city next?")
    answer = ann.post(
        f"/people/{person.id}/questions/{question.id}/asked", {"answer": "Porto"}, htmx=True
    )
    assert answer.status_code == 200 and "Which city next?" not in answer.text
    details = ann.book.people.get(person.id)
    assert details.questions[0].asked_at is not None and details.questions[0].answer == "Porto"
    assert any("Porto" in f.text for f in details.facts)
    again = ann.post(f"/people/{person.id}/questions/{question.id}/asked", {}, htmx=True)
    assert again.status_code == 422 and "already asked" in again.text


def test_archive_and_restore_a_person(ann: WebUser) -> None:
    person = ann.book.people.add(PersonInput(name="Finn"))
    assert ann.post(f"/people/{person.id}/archive").status_code == 303
    assert ann.book.people.get(person.id).archived_at is not None
    assert ann.post(f"/people/{person.id}/restore").status_code == 303
    assert ann.book.people.get(person.id).archived_at is None


def test_quick_capture_logs_with_several_people_and_adds_promise_and_follow_up(
    ann: WebUser,
) -> None:
    a = ann.book.people.add(PersonInput(name="Gus Hale"))
    ann.book.people.add(PersonInput(name="Hana Ito"))
    answer = ann.post(
        "/capture",
        {
            "person_id": [a.id],
            "names": "Hana",
            "kind": "meeting",
            "subject": "Lunch",
            "promise": "Send the deck",
            "promise_due": "3d",
            "follow_up": "2w",
        },
        htmx=True,
    )
    assert answer.status_code == 200, answer.text
    assert "Logged a meeting with Gus Hale and Hana Ito" in answer.text
    assert answer.headers["HX-Trigger"] == "interaction-logged"
    [logged] = ann.book.interactions.timeline()
    assert {p.name for p in logged.people} == {"Gus Hale", "Hana Ito"} and logged.subject == "Lunch"
    # issue 12: ONE promise and ONE follow-up involving both, not one per person
    [promise] = ann.book.commitments.list()
    names = sorted([promise.person.name, *(o.name for o in promise.others)])
    assert names == ["Gus Hale", "Hana Ito"]
    assert promise.text == "Send the deck" and promise.due_on is not None
    [follow_up] = ann.book.follow_ups.list()
    assert sorted([follow_up.person.name, *(o.name for o in follow_up.others)]) == names
    assert [c.id for c in ann.book.commitments.list(person="Hana Ito")] == [promise.id]


def test_quick_capture_needs_reply_shows_on_awaiting(ann: WebUser) -> None:
    person = ann.book.people.add(PersonInput(name="Ida"))
    assert (
        ann.post(
            "/capture",
            {"person_id": [person.id], "kind": "email", "subject": "Question", "needs_reply": "1"},
            htmx=True,
        ).status_code
        == 200
    )
    page = ann.get("/awaiting")
    assert page.status_code == 200 and "Question" in page.text and "Ida" in page.text


def test_quick_capture_refuses_unknown_names_and_bad_dates_without_writing(ann: WebUser) -> None:
    person = ann.book.people.add(PersonInput(name="Jo"))
    unknown = ann.post("/capture", {"names": "Nobody Here"}, htmx=True)
    assert unknown.status_code == 422 and "no person matches" in unknown.text
    bad_when = ann.post("/capture", {"person_id": [person.id], "when": "banana"}, htmx=True)
    assert bad_when.status_code == 422
    nobody = ann.post("/capture", {}, htmx=True)
    assert nobody.status_code == 422 and "with whom" in nobody.text
    assert ann.book.interactions.count() == 0


def test_name_suggestions_autocomplete_the_last_name_typed(ann: WebUser) -> None:
    ann.book.people.add(PersonInput(name="Kira Lopez"))
    ann.book.people.add(PersonInput(name="Kiran Shah"))
    ann.book.people.add(PersonInput(name="Liam"))
    answer = ann.get("/capture/names", params={"names": "Liam, Kir"})
    assert answer.status_code == 200
    assert "Kira Lopez" in answer.text and "Kiran Shah" in answer.text and "Liam" not in answer.text
    assert "Add them" in ann.get("/capture/names", params={"names": "Xyzzy"}).text


def test_promises_page_lists_both_ways_and_marks_kept(ann: WebUser) -> None:
    person = ann.book.people.add(PersonInput(name="Mo"))
    mine = ann.book.commitments.add(person.id, "Intro to Sam", direction="mine")
    ann.book.commitments.add(person.id, "Send the paper", direction="theirs")
    page = ann.get("/promises")
    assert "Intro to Sam" in page.text and "Send the paper" in page.text
    assert ann.post(f"/promises/{mine.id}", {"action": "done"}, htmx=True).status_code == 200
    assert ann.book.commitments.get(mine.id).status == "done"
    assert "Intro to Sam" in ann.get("/promises?status=done").text
    assert ann.get("/promises?status=nope").status_code == 422


def test_settings_save_general_circles_and_digest(ann: WebUser) -> None:
    assert ann.get("/settings").status_code == 200
    ok = ann.post(
        "/settings/general",
        {
            "timezone": "Europe/Berlin",
            "my_emails": "me@example.com",
            "my_name": "Ann",
            "phone_region": "de",
        },
    )
    assert ok.status_code == 200 and "Saved." in ok.text
    assert ann.book.settings.get("timezone") == "Europe/Berlin"
    assert ann.book.settings.get("me.emails") == ["me@example.com"]
    assert ann.book.settings.get("phone.region") == "DE"
    bad = ann.post("/settings/general", {"timezone": "Mars/Base", "my_emails": "x@example.com"})
    assert bad.status_code == 422 and ann.book.settings.get("me.emails") == ["me@example.com"]
    inner = next(c for c in ann.book.circles() if c["name"] == "inner")
    assert (
        ann.post(
            "/settings/circles", {f"every-{inner['id']}": "10d", f"weight-{inner['id']}": "5"}
        ).status_code
        == 200
    )
    inner = next(c for c in ann.book.circles() if c["name"] == "inner")
    assert inner["cadence_days"] == 10 and inner["weight"] == 5.0
    assert ann.post("/settings/circles", {f"every-{inner['id']}": "often"}).status_code == 422
    digest = ann.post(
        "/settings/digest",
        {
            "enabled": "1",
            "time": "8:05",
            "to": "ann@example.com",
            "host": "127.0.0.1",
            "port": "2525",
            "tls": "none",
            "password": "s3cret",
        },
    )
    assert digest.status_code == 200, digest.text
    settings = ann.book.settings.all(reveal_secrets=True)
    assert settings["digest.enabled"] is True and settings["digest.time"] == "08:05"
    assert settings["smtp.port"] == 2525 and settings["smtp.password"] == "s3cret"
    assert "s3cret" not in ann.get("/settings").text
    assert ann.post("/settings/digest", {"time": "25:00"}).status_code == 422


def test_export_downloads_backup_and_vcards_and_shows_feed_url(ann: WebUser) -> None:
    ann.book.people.add(PersonInput(name="Nia Okafor", emails=["nia@example.com"]))
    page = ann.get("/export")
    assert page.status_code == 200 and "/calendar/" in page.text
    backup = ann.get("/export/amity-backup.json")
    assert backup.status_code == 200 and "attachment" in backup.headers["content-disposition"]
    assert any(r["name"] == "Nia Okafor" for r in backup.json()["tables"]["people"])
    cards = ann.get("/export/amity-people.vcf")
    assert (
        cards.status_code == 200
        and "FN:Nia Okafor" in cards.text
        and "nia@example.com" in cards.text
    )


def test_calendar_feed_is_served_at_the_secret_url_only(ann: WebUser, web_app: FastAPI) -> None:
    from amity.accounts import calendar_token

    token = calendar_token(ann.book.ctx.engine, ann.book.owner_id)
    anonymous = type(ann.client)(web_app)
    feed = anonymous.get(f"/calendar/{token}.ics")
    assert feed.status_code == 200 and feed.text.startswith("BEGIN:VCALENDAR")
    assert anonymous.get("/calendar/not-the-token.ics").status_code == 404
    assert ann.post("/export/calendar-token").status_code == 303
    assert anonymous.get(f"/calendar/{token}.ics").status_code == 404


def test_import_json_backup_previews_then_restores(ann: WebUser, ben: WebUser) -> None:
    ann.book.people.add(PersonInput(name="Omar"))
    backup = ann.get("/export/amity-backup.json").content
    preview = ben.post("/import", files={"file": ("backup.json", backup, "application/json")})
    assert preview.status_code == 200, preview.text
    assert "This backup holds" in preview.text and ben.book.people.count() == 0
    upload_id = preview.text.split('name="upload_id" value="')[1].split('"')[0]
    done = ben.post("/import/apply", {"upload_id": upload_id, "format": "json"})
    assert done.status_code == 200 and "Restored the backup" in done.text
    assert [p.name for p in ben.book.people.list()] == ["Omar"]
    again = ben.post("/import/apply", {"upload_id": upload_id, "format": "json"})
    assert again.status_code == 404  # the upload is used up


VCARDS = b"""BEGIN:VCARD
VERSION:3.0
FN:Pia Weber
EMAIL:pia@example.com
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:Quentin Roy
TEL:+33 1 23 45 67 89
END:VCARD
"""


def test_import_vcards_preview_writes_nothing_then_confirm_imports(ann: WebUser) -> None:
    preview = ann.post(
        "/import", {"format": "auto"}, files={"file": ("contacts.vcf", VCARDS, "text/vcard")}
    )
    assert preview.status_code == 200, preview.text
    assert "Pia Weber" in preview.text and ann.book.people.count() == 0
    upload_id = preview.text.split('name="upload_id" value="')[1].split('"')[0]
    done = ann.post(
        "/import/apply", {"upload_id": upload_id, "format": "vcard", "filename": "contacts.vcf"}
    )
    assert done.status_code == 200, done.text
    assert sorted(p.name for p in ann.book.people.list()) == ["Pia Weber", "Quentin Roy"]
    assert "contacts.vcf" in ann.get("/import").text


def test_import_without_a_file_or_with_garbage_explains(ann: WebUser) -> None:
    assert ann.post("/import", {}).status_code == 422
    garbage = ann.post(
        "/import", {"format": "json"}, files={"file": ("x.json", b"{not json", "application/json")}
    )
    assert garbage.status_code == 422 and "not a valid JSON backup" in garbage.text


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/people",
        "/people/new",
        "/capture",
        "/promises",
        "/awaiting",
        "/import",
        "/export",
        "/settings",
    ],
)
def test_every_page_renders_with_the_csrf_token_and_nav(ann: WebUser, path: str) -> None:
    page = ann.get(path)
    assert page.status_code == 200
    assert f'data-csrf="{ann.csrf}"' in page.text
    assert 'src="/static/htmx.min.js"' in page.text
    assert "http://" not in page.text.split("<main", 1)[0]  # nothing loaded from another site


def test_people_filter_due_shows_only_people_the_agenda_says_to_contact(
    ann: WebUser, clock: Clock
) -> None:
    late = ann.book.people.add(PersonInput(name="Late Larry", circle="close"))
    ann.book.interactions.log(
        InteractionInput(people=[late.id], occurred_at=clock() - timedelta(days=50))
    )
    fresh = ann.book.people.add(PersonInput(name="Fresh Fran", circle="close"))
    ann.book.interactions.log(
        InteractionInput(people=[fresh.id], occurred_at=clock() - timedelta(days=2))
    )
    page = ann.get("/people?overdue=1").text
    assert "Late Larry" in page and "Fresh Fran" not in page


def test_export_csv_has_a_header_and_everyone(ann: WebUser) -> None:
    ann.book.people.add(PersonInput(name="Rosa Park", emails=["rosa@example.com"]))
    sheet = ann.get("/export/amity-people.csv")
    assert sheet.status_code == 200 and sheet.headers["content-type"].startswith("text/csv")
    lines = sheet.text.splitlines()
    assert len(lines) == 2 and "Rosa Park" in lines[1] and "rosa@example.com" in lines[1]
