"""Today in true order (issue 12 §1): one ranked list (top 10, then "show more"), kinds as
filter chips, a Backlog for stale items with bulk snooze and dismiss, counts that stay true
after done/snooze/dismiss, Undo everywhere (page, CLI, API), the snoozed-and-dismissed view,
and accessible names on every action."""

from __future__ import annotations

import re
from datetime import timedelta

from markupsafe import escape

from amity.book import Book, InteractionInput, PersonInput
from tests.conftest import Clock
from tests.web.conftest import WebUser

ITEM = re.compile(r'<li class="agenda-item" data-key="([^"]+)" data-kind="([^"]+)"')


def list_keys(html: str) -> list[str]:
    """Keys of today's list, in page order (the Backlog's items are not counted)."""
    main = html.split('id="backlog"', 1)[0]
    return [key for key, _ in ITEM.findall(main)]


def backlog_keys(html: str) -> list[str]:
    if 'id="backlog"' not in html:
        return []
    return [key for key, _ in ITEM.findall(html.split('id="backlog"', 1)[1])]


def fill(book: Book, clock: Clock) -> dict[str, int]:
    """14 people due to be contacted (close circle, 30 days), a reply waiting 880 days, a
    reply from yesterday, one person last seen 4 cadences ago, and a promise due today."""
    now = clock()
    ids = {}
    for n in range(14):
        person = book.people.add(PersonInput(name=f"Person {n:02d}", circle="close"))
        ids[person.name] = person.id
        book.interactions.log(
            InteractionInput(people=[person.id], occurred_at=now - timedelta(days=31 + 2 * n))
        )
    old = book.people.add(PersonInput(name="Olive Old", circle="close"))
    book.interactions.log(InteractionInput(people=[old.id], occurred_at=now - timedelta(days=125)))
    writer = book.people.add(PersonInput(name="Wes Writer", circle="inner"))
    book.interactions.log(
        InteractionInput(
            people=[writer.id],
            kind="email",
            subject="Ancient question",
            needs_reply=True,
            direction="inbound",
            occurred_at=now - timedelta(days=880),
        )
    )
    book.interactions.log(
        InteractionInput(
            people=[writer.id],
            kind="email",
            subject="Fresh question",
            needs_reply=True,
            direction="inbound",
            occurred_at=now - timedelta(days=1),
        )
    )
    book.commitments.add(writer.id, "send the slides", due_on=book.today())
    ids.update({"Olive Old": old.id, "Wes Writer": writer.id})
    return ids


def test_one_list_in_ranking_order_top_ten_then_show_more(ann: WebUser, clock: Clock) -> None:
    fill(ann.book, clock)
    ranked = list(ann.book.agenda.items())
    page = ann.get("/").text
    keys = list_keys(page)
    stale = set(backlog_keys(page))
    expected = [a.key for a in ranked if a.key not in stale]
    assert keys == expected[:10]  # the ranking's order, whatever the kind
    kinds = [a.kind for a in ranked if a.key in keys]
    assert len(set(kinds)) >= 3  # kinds interleave: no grouping by kind
    assert f"Show {len(expected) - 10} more" in page
    everything = ann.get("/", params={"more": "1"}).text
    assert list_keys(everything) == expected
    for action in ranked:  # each item keeps its reason
        if action.key in keys:
            assert escape(action.reason) in page


def test_kinds_are_filter_chips_with_counts(ann: WebUser, clock: Clock) -> None:
    fill(ann.book, clock)
    page = ann.get("/").text
    assert re.search(r'data-kind="reply"[^>]*>Replies <span class="count">1</span>', page)
    assert re.search(r'data-kind="promise_mine"[^>]*>Your promises <span class="count">1', page)
    replies = ann.get("/", params={"kind": "reply"}).text
    chosen = ITEM.findall(replies.split('id="backlog"', 1)[0])
    assert [kind for _, kind in chosen] == ["reply"]
    assert 'href="/?kind=reply" data-kind="reply" aria-current="true"' in replies


def test_stale_items_fold_into_the_backlog(ann: WebUser, clock: Clock) -> None:
    fill(ann.book, clock)
    page = ann.get("/", params={"more": "1"}).text
    backlog = backlog_keys(page)
    reasons = {a.key: a.reason for a in ann.book.agenda.items()}
    assert len(backlog) == 2
    assert any("Ancient question" in reasons[k] for k in backlog)  # 880 days > 30
    assert any("Olive Old" in reasons[k] for k in backlog)  # 125 days > 3 x 30
    assert not set(backlog) & set(list_keys(page))
    assert any("Fresh question" in reasons[k] for k in list_keys(page))
    answer = ann.post(
        "/today/bulk", {"keys": backlog, "action": "dismiss", "snooze": "1m"}, htmx=True
    )
    assert answer.status_code == 200
    assert backlog_keys(answer.text) == [] and "Dismissed: 2 items" in answer.text
    states = {s.key: s.state for s in ann.book.agenda.states()}
    assert [states[k] for k in backlog] == ["dismissed", "dismissed"]
    undo = ann.post("/today/undo", {"key": backlog}, htmx=True)
    assert sorted(backlog_keys(undo.text)) == sorted(backlog)


def test_counts_and_chips_update_after_done_and_undo_reopens(ann: WebUser, clock: Clock) -> None:
    ids = fill(ann.book, clock)
    [promise_item] = [a for a in ann.book.agenda.items() if a.kind == "promise_mine"]
    before = ann.get("/").text
    count = int(re.search(r'id="agenda-count">(\d+)', before).group(1))  # type: ignore[union-attr]
    done = ann.post(
        "/today/act",
        {"key": promise_item.key, "action": "done", "reason": promise_item.reason},
        htmx=True,
    )
    assert done.status_code == 200
    assert f'id="agenda-count">{count - 1}<' in done.text
    assert 'data-kind="promise_mine"' not in done.text  # its chip is gone with its last item
    assert f"Marked done: {escape(promise_item.reason)}" in done.text
    assert 'name="key" value="' + promise_item.key in done.text  # the Undo form
    [closed] = ann.book.commitments.list(status="done", person=ids["Wes Writer"])
    undo = ann.post("/today/undo", {"key": promise_item.key}, htmx=True)
    assert promise_item.key in list_keys(undo.text) and "Restored 1 item" in undo.text
    [reopened] = ann.book.commitments.list(person=ids["Wes Writer"])
    assert reopened.id == closed.id and reopened.status == "open" and reopened.done_at is None


def test_snoozed_and_dismissed_view_restores(ann: WebUser, clock: Clock) -> None:
    fill(ann.book, clock)
    first, second = [a for a in ann.book.agenda.items() if a.kind == "keep_in_touch"][:2]
    ann.post("/today/act", {"key": first.key, "action": "snooze", "snooze": "3d"}, htmx=True)
    ann.post("/today/act", {"key": second.key, "action": "dismiss"}, htmx=True)
    page = ann.get("/today/hidden").text
    assert escape(first.reason) in page and escape(second.reason) in page
    assert "Snoozed until" in page and "Dismissed" in page
    assert f'aria-label="Restore: {escape(first.reason)}"' in page
    back = ann.post("/today/undo", {"key": second.key, "back": "hidden"})
    assert back.status_code == 303 and back.headers["location"] == "/today/hidden"
    assert escape(second.reason) not in ann.get("/today/hidden").text
    assert second.key in [a.key for a in ann.book.agenda.items()]


def test_every_action_button_names_its_item_and_a_skip_link(ann: WebUser, clock: Clock) -> None:
    fill(ann.book, clock)
    page = ann.get("/", params={"more": "1"}).text
    labels = re.findall(
        r'<button type="submit" name="action" value="done"[^>]*aria-label="([^"]+)"', page
    )
    assert len(labels) == len(list_keys(page)) and len(set(labels)) == len(labels)
    assert all(label.startswith("Done: ") and len(label) > 12 for label in labels)
    assert '<a class="skip-link" href="#main">Skip to content</a>' in page
    assert '<main id="main"' in page


def test_agenda_restore_in_the_cli_and_the_api(ann: WebUser, clock: Clock) -> None:
    from click.testing import CliRunner

    from amity.cli.main import cli

    fill(ann.book, clock)
    [promise_item] = [a for a in ann.book.agenda.items() if a.kind == "promise_mine"]
    ann.book.agenda.done(promise_item.key)
    assert promise_item.key not in [a.key for a in ann.book.agenda.items()]
    result = CliRunner().invoke(
        cli,
        ["--db", ann.book.ctx.url, "--user", ann.email, "restore", promise_item.key],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert f"Restored {promise_item.key}" in result.output
    assert promise_item.key in [a.key for a in ann.book.agenda.items()]
    assert ann.book.commitments.list()[0].status == "open"
    again = CliRunner().invoke(
        cli, ["--db", ann.book.ctx.url, "--user", ann.email, "restore", promise_item.key]
    )
    assert again.exit_code != 0  # nothing to restore


def test_cli_today_backlog_lists_only_the_stale_items(ann: WebUser, clock: Clock) -> None:
    import json

    from click.testing import CliRunner

    from amity.cli.main import cli

    fill(ann.book, clock)
    base = ["--db", ann.book.ctx.url, "--user", ann.email]
    result = CliRunner().invoke(
        cli, [*base, "today", "--backlog", "--json", "--date", "2026-11-25"]
    )
    assert result.exit_code == 0, result.output
    reasons = [item["reason"] for item in json.loads(result.output)]
    assert len(reasons) == 2
    assert any("Ancient question" in r for r in reasons) and any("Olive" in r for r in reasons)
