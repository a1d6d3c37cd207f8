"""Issue 12 §3: what a new user found broken or wrong, each with the test that would have
caught it (the fact added on the Person page is a browser test: tests/web/test_browser_daily.py)."""

from __future__ import annotations

from datetime import timedelta

from amity.book import InteractionInput, PersonInput
from tests.conftest import Clock
from tests.web.conftest import WebUser


def test_awaiting_page_says_reply_times_in_words_not_a_repr(ann: WebUser, clock: Clock) -> None:
    ana = ann.book.people.add(PersonInput(name="Ana Lima"))
    asked = ann.book.interactions.log(
        InteractionInput(
            people=[ana.id],
            kind="email",
            needs_reply=True,
            direction="inbound",
            occurred_at=clock() - timedelta(hours=5),
        )
    )
    assert asked.id
    ann.book.interactions.log(
        InteractionInput(
            people=[ana.id],
            kind="email",
            direction="outbound",
            occurred_at=clock() - timedelta(hours=2),
        )
    )
    page = ann.get("/awaiting")
    assert page.status_code == 200
    assert "ResponseTimes(" not in page.text and "timedelta" not in page.text
    assert "Over 1 answered message: half within 3 hours." in page.text


def test_capture_with_two_people_makes_one_agenda_item_for_both(ann: WebUser) -> None:
    gus = ann.book.people.add(PersonInput(name="Gus Hale"))
    hana = ann.book.people.add(PersonInput(name="Hana Ito"))
    answer = ann.post(
        "/capture",
        {
            "person_id": [gus.id, hana.id],
            "kind": "email",
            "promise": "send the deck",
            "promise_due": "1d",
            "follow_up": "1d",
        },
        htmx=True,
    )
    assert answer.status_code == 200, answer.text
    assert "Logged an email with Gus Hale and Hana Ito." in answer.text
    today = ann.book.today()
    items = ann.book.agenda.items(today=today + timedelta(days=1))
    promises = [a for a in items if a.kind == "promise_mine"]
    follow_ups = [a for a in items if a.kind == "follow_up"]
    assert len(promises) == 1 and len(follow_ups) == 1
    assert {p.id for p in promises[0].people} == {gus.id, hana.id}
    assert promises[0].reason.startswith("You promised Gus Hale and Hana Ito to send the deck")
    assert {p.id for p in follow_ups[0].people} == {gus.id, hana.id}
    api = ann.book.commitments.list(person=hana.id)
    assert len(api) == 1 and [o.id for o in api[0].others] == [hana.id]


def test_adding_a_person_with_a_known_email_warns_and_offers_open_or_merge(
    ann: WebUser,
) -> None:
    ana = ann.book.people.add(PersonInput(name="Ana Lima", emails=["ana@example.com"]))
    form = {"name": "Ana L.", "emails": "ANA@Example.com", "org": "Globex"}
    warned = ann.post("/people", form)
    assert warned.status_code == 409
    assert "Ana Lima</a> already has ANA@Example.com" in warned.text
    assert f'href="/people/{ana.id}"' in warned.text and "Merge into Ana Lima" in warned.text
    assert ann.book.people.count() == 1  # nothing written yet
    merged = ann.post("/people", {**form, "same_email": str(ana.id)})
    assert merged.status_code == 303 and merged.headers["location"] == f"/people/{ana.id}"
    assert ann.book.people.count() == 1
    assert ann.book.people.get(ana.id).org == "Globex"  # the typed details landed on Ana
    anyway = ann.post("/people", {**form, "same_email": "new"})
    assert anyway.status_code == 303
    assert ann.book.people.count() == 2


def test_health_of_someone_never_contacted_reads_no_contact(ann: WebUser) -> None:
    linkedin = ann.book.people.add(PersonInput(name="Lena Connection", circle="network"))
    page = ann.get(f"/people/{linkedin.id}")
    assert page.status_code == 200
    health = page.text.split('id="health"', 1)[1].split("</section>", 1)[0]
    assert "no contact yet" in health and "/100" not in health


def test_settings_shows_the_name_and_email_given_at_sign_up(ann: WebUser) -> None:
    page = ann.get("/settings")
    assert 'name="my_name" value="Test User"' in page.text
    assert f'name="my_emails" value="{ann.email}"' in page.text


def test_import_counts_read_in_words() -> None:
    from amity.web.templating import TEMPLATES

    template = TEMPLATES.env.from_string(
        "{% for k, v in counts.items() %}{{ v|count_label(k) }}; {% endfor %}"
        "{{ 1|counted('person') }} {{ 'email'|with_article }}"
    )
    text = template.render(counts={"people_merged": 1, "people_new": 2, "errors": 1})
    assert text == "1 person merged; 2 new people; 1 error; 1 person an email"
