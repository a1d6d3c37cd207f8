"""A person's country through every door: the API (create, PATCH phones read with it), the
CLI (--country, shown by `amity show`) and the person page (a select of countries by name)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from click.testing import CliRunner

from amity.book import PersonInput
from amity.cli.main import cli
from tests.web.conftest import WebUser

if TYPE_CHECKING:
    from tests.web.conftest_api import ApiUser

pytest_plugins = ["tests.web.conftest_api"]


def test_the_api_takes_a_country_and_reads_phones_with_it(alice: ApiUser) -> None:
    alice.book.settings.set("phone.region", "US")
    made = alice.client.post(
        alice.url("/people"),
        json={"name": "Ana Lima", "country": "United Kingdom", "phones": ["020 7946 0958"]},
    )
    assert made.status_code == 201, made.text
    assert made.json()["country"] == "GB" and made.json()["phones"] == ["+442079460958"]
    patched = alice.client.patch(
        alice.url(f"/people/{made.json()['id']}"),
        json={"phones": ["020 7946 0958", "07700 900123"]},
    )
    assert patched.status_code == 200, patched.text
    assert sorted(alice.book.people.get("Ana Lima").phones) == ["+442079460958", "+447700900123"]
    refused = alice.client.post(alice.url("/people"), json={"name": "Bo", "country": "Atlantis"})
    assert refused.status_code == 422 and "Atlantis" in refused.text
    assert alice.book.people.count() == 1


def test_the_cli_sets_and_shows_a_country(cli_env: Any) -> None:
    runner = CliRunner()
    added = runner.invoke(cli, ["add", "Ana Lima", "--country", "GB", "--phone", "020 7946 0958"])
    assert added.exit_code == 0, added.output
    shown = runner.invoke(cli, ["show", "Ana Lima", "--json"])
    assert '"country": "GB"' in shown.output and "+442079460958" in shown.output
    bad = runner.invoke(cli, ["add", "Bo", "--phone", "020 7946 0958"])
    assert bad.exit_code != 0 and "020 7946 0958" in str(bad.exception)


def test_the_person_page_edits_the_country_by_name(ann: WebUser) -> None:
    person = ann.book.people.add(PersonInput(name="Eve Ng"))
    form = ann.get(f"/people/{person.id}/edit").text
    assert '<option value="GB" >United Kingdom</option>' in form
    saved = ann.post(
        f"/people/{person.id}/edit",
        {
            "name": "Eve Ng",
            "country": "GB",
            "phones": "020 7946 0958",
            "version": str(person.version),
        },
        htmx=True,
    )
    assert saved.status_code == 200 and "Saved." in saved.text
    stored = ann.book.people.get(person.id)
    assert stored.country == "GB" and stored.phones == ["+442079460958"]
    page = ann.get(f"/people/{person.id}").text
    assert "United Kingdom" in page
