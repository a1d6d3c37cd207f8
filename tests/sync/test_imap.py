"""Mail over IMAP against Debian's Dovecot, started by the test on a free loopback port: first
sync, new mail, a reply that answers a thread, a UIDVALIDITY change, list and robot mail, a
server dropped mid-run, TLS, and nothing ever marked \\Seen."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from amity.book import Book
from amity.book.people.input import PersonInput
from amity.store import schema as s
from amity.sync.runner import add_account, run_account
from tests.conftest import Clock, skip_or_fail
from tests.sync import dovecot as dv

pytestmark = pytest.mark.slow  # a real Dovecot per test: make test runs it, test-fast does not

ME = dv.USER


def mail(n: int | str, sender: str, to: str, subject: str, *, date: str = "Mon, 01 Dec 2026 "
         "09:00:00 +0000", extra: str = "", reply_to: str | None = None, body: str = "Hello") -> str:  # fmt: skip
    refs = f"In-Reply-To: {reply_to}\nReferences: {reply_to}\n" if reply_to else ""
    return (f"From: {sender}\nTo: {to}\nSubject: {subject}\nDate: {date}\n"
            f"Message-ID: <m{n}@example.org>\n{refs}{extra}\n{body}\n")  # fmt: skip


@pytest.fixture
def server() -> Iterator[dv.Dovecot]:
    if not dv.available():
        skip_or_fail("dovecot (dovecot-imapd) is not installed")
    with dv.dovecot() as running:
        yield running


def connect(book: Book, server: dv.Dovecot, **options: object) -> int:
    account = add_account(book, "imap", f"imap://127.0.0.1:{server.port}", username=server.user,
                          password=server.password,
                          options={"tls": "none", **options})  # fmt: skip
    return account.id


def interactions(book: Book) -> list[tuple[str, str, bool, bool]]:
    i = s.interactions
    with book.ctx.read() as conn:
        rows = conn.execute(select(i.c.subject, i.c.direction, i.c.needs_reply,
                                   i.c.replied_at.is_not(None))
                            .where(i.c.owner_id == book.owner_id).order_by(i.c.occurred_at, i.c.id)).all()  # fmt: skip
    return [tuple(r) for r in rows]  # type: ignore[misc]


def people_count(book: Book) -> int:
    with book.ctx.read() as conn:
        return int(conn.execute(select(func.count()).select_from(s.people)
                                .where(s.people.c.owner_id == book.owner_id)).scalar_one())  # fmt: skip


def test_first_sync_logs_mail_with_people_in_the_book_and_proposes_the_rest(
    book: Book, server: dv.Dovecot
) -> None:
    book.people.add(PersonInput(name="Bo Berg", emails=["bo@example.org"]))
    server.append("INBOX",
                  mail(1, "Bo Berg <BO@example.org>", ME, "Lunch?"),
                  mail(2, "News <news@lists.example.org>", ME, "Weekly digest",
                       extra="List-Id: <news.lists.example.org>\n"),
                  mail(3, "Robot <alerts@example.org>", ME, "Build failed",
                       extra="Auto-Submitted: auto-generated\n"),
                  mail(4, "noreply@shop.example", ME, "Your order"),
                  mail(5, "Cy Stranger <cy@example.net>", ME, "Hi from Cy"))  # fmt: skip
    server.append("Sent", mail(6, f"Ana <{ME.upper()}>", "Dee Doe <dee@example.net>", "Intro",
                               date="Tue, 02 Dec 2026 10:00:00 +0000"))  # fmt: skip
    account_id = connect(book, server)
    assert book.connections.get(account_id).options["folders"] == ["INBOX", "Sent"]

    run = run_account(book, account_id)

    assert run is not None and run.status == "ok", run
    assert run.counts == {"created": 1, "skipped": 5}
    assert interactions(book) == [("Lunch?", "inbound", True, False)]
    assert people_count(book) == 1  # nobody created from mail
    items = book.connections.items(run.id, outcomes=("skipped",))
    reasons = " | ".join(i.reason or "" for i in items)
    assert "List-Id" in reasons and "Auto-Submitted" in reasons and "automated sender" in reasons
    assert "no one in the book; proposed: dee@example.net" in reasons
    # people you write to: Dee (you wrote to her), not Cy (only wrote to you), no robots
    assert [(c.email, c.name, c.sent_count) for c in book.mail_sync.suggestions()] == [
        ("dee@example.net", "Dee Doe", 1)]  # fmt: skip
    assert all(b"\\Seen" not in f for f in server.flags("INBOX"))  # nothing marked read


def test_new_mail_then_a_reply_answers_the_thread_and_a_quiet_run_reads_nothing(
    book: Book, server: dv.Dovecot, clock: Clock
) -> None:
    book.people.add(PersonInput(name="Bo Berg", emails=["bo@example.org"]))
    server.append("INBOX", mail(1, "bo@example.org", ME, "Lunch?"))
    account_id = connect(book, server)
    assert run_account(book, account_id).status == "ok"  # type: ignore[union-attr]
    quiet = run_account(book, account_id)
    assert quiet is not None and quiet.counts == {}
    assert all(f["new"] == 0 for f in quiet.details["folders"].values())

    server.append("INBOX", mail(2, "bo@example.org", ME, "Also: slides", reply_to="<m1@example.org>",
                                date="Mon, 01 Dec 2026 12:00:00 +0000"))  # fmt: skip
    second = run_account(book, account_id)
    assert second is not None and second.counts == {"created": 1}
    assert [r[2:] for r in interactions(book)] == [(True, False), (True, False)]

    server.append("Sent", mail(3, ME, "bo@example.org", "Re: Lunch?", reply_to="<m1@example.org>",
                               date="Tue, 02 Dec 2026 08:00:00 +0000"))  # fmt: skip
    third = run_account(book, account_id)
    assert third is not None and third.counts == {"created": 1}
    assert interactions(book) == [("Lunch?", "inbound", True, True),
                                  ("Also: slides", "inbound", True, True),
                                  ("Re: Lunch?", "outbound", False, False)]  # fmt: skip


def test_a_changed_uidvalidity_rescans_without_duplicating(book: Book, server: dv.Dovecot) -> None:
    book.people.add(PersonInput(name="Bo Berg", emails=["bo@example.org"]))
    server.append(
        "Archive", mail(1, "bo@example.org", ME, "One"), mail(2, "bo@example.org", ME, "Two")
    )
    account_id = connect(book, server, folders=["Archive"])
    assert run_account(book, account_id).counts == {"created": 2}  # type: ignore[union-attr]

    server.recreate("Archive")  # a new UIDVALIDITY: every UID starts again
    server.append("Archive", mail(1, "bo@example.org", ME, "One"), mail(2, "bo@example.org", ME, "Two"),
                  mail(3, "bo@example.org", ME, "Three"))  # fmt: skip
    run = run_account(book, account_id)

    assert run is not None and run.status == "ok"
    assert run.counts == {"unchanged": 2, "created": 1}
    assert run.details["folders"]["Archive"]["rescanned"] is True
    assert [r[0] for r in interactions(book)] == ["One", "Two", "Three"]


def test_a_server_dropped_mid_run_resumes_where_it_stopped(
    book: Book, server: dv.Dovecot, monkeypatch: pytest.MonkeyPatch
) -> None:
    import amity.sync.imap as imap_source
    from amity.book.mail_sync import MailSync

    book.people.add(PersonInput(name="Bo Berg", emails=["bo@example.org"]))
    server.append("INBOX", *[mail(n, "bo@example.org", ME, f"Note {n:02}",
                                  date=f"Mon, 01 Dec 2026 09:{n:02}:00 +0000") for n in range(1, 26)])  # fmt: skip
    account_id = connect(book, server, folders=["INBOX"])
    monkeypatch.setattr(imap_source, "BATCH", 10)
    original = MailSync.apply_batch
    batches: list[int] = []

    def apply_then_drop(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        result = original(self, *args, **kwargs)
        batches.append(len(args[2]))
        if len(batches) == 1:
            server.stop(kill=True)  # the server dies after the first batch is committed
        return result

    monkeypatch.setattr(MailSync, "apply_batch", apply_then_drop)
    failed = run_account(book, account_id)
    assert failed is not None and failed.status == "failed"
    assert "connection" in (failed.error or "")
    assert len(interactions(book)) == 10  # the committed batch stays
    assert book.connections.get(account_id).status == "failing"

    server.start()
    resumed = run_account(book, account_id)
    assert resumed is not None and resumed.status == "ok", resumed.error
    assert resumed.counts == {"created": 15}  # only what was not in yet
    assert [r[0] for r in interactions(book)] == [f"Note {n:02}" for n in range(1, 26)]


def test_the_password_never_reaches_an_error(book: Book, server: dv.Dovecot) -> None:
    from amity.errors import AmityError

    with pytest.raises(AmityError) as refused:
        add_account(book, "imap", f"imap://127.0.0.1:{server.port}", username=server.user,
                    password="wrong-" + server.password, options={"tls": "none"})  # fmt: skip
    assert "refused the login" in str(refused.value)
    assert server.password not in str(refused.value)
    account_id = connect(book, server)
    book.connections.configure(account_id, secret="another-secret-pw")
    run = run_account(book, account_id)
    assert run is not None and run.status == "failed"
    assert "another-secret-pw" not in (run.error or "") and "refused the login" in (run.error or "")
    assert [a.id for a in book.connections.failing()] == [account_id]


def test_tls_verifies_the_certificate(sqlite_book: Book) -> None:
    from amity.errors import AmityError

    if not dv.available():
        skip_or_fail("dovecot (dovecot-imapd) is not installed")
    with dv.dovecot(tls=True) as server:
        server.append("INBOX", mail(1, "bo@example.org", ME, "Secure"))
        url = f"imaps://localhost:{server.tls_port}"
        with pytest.raises(AmityError, match="certificate"):
            add_account(sqlite_book, "imap", url, username=server.user, password=server.password,
                        options={"tls": "ssl"})  # fmt: skip
        account = add_account(sqlite_book, "imap", url, username=server.user,
                              password=server.password,
                              options={"tls": "ssl", "ca_file": server.ca_file})  # fmt: skip
        sqlite_book.people.add(PersonInput(name="Bo", emails=["bo@example.org"]))
        run = run_account(sqlite_book, account.id)
        assert run is not None and run.counts == {"created": 1}
        # STARTTLS on the plain port, verified the same way
        starttls = add_account(sqlite_book, "imap", f"imap://localhost:{server.port}",
                               username=server.user, password=server.password, name="starttls",
                               options={"tls": "starttls", "ca_file": server.ca_file})  # fmt: skip
        again = run_account(sqlite_book, starttls.id)
        assert again is not None and again.counts == {"unchanged": 1}


def test_plain_imap_only_to_loopback_and_private_hosts_need_the_setting(
    sqlite_book: Book, monkeypatch: pytest.MonkeyPatch
) -> None:
    from amity.errors import InvalidInput

    with pytest.raises(InvalidInput, match="loopback"):
        add_account(sqlite_book, "imap", "imap://10.1.2.3:143", username="a", password="b",
                    options={"tls": "none"})  # fmt: skip
    monkeypatch.delenv("AMITY_SYNC_ALLOW_PRIVATE")
    with pytest.raises(InvalidInput, match="private or local"):
        add_account(sqlite_book, "imap", "imaps://127.0.0.1:993", username="a", password="b")


def test_the_cli_adds_runs_shows_and_proposes(cli_env: object, server: dv.Dovecot) -> None:
    import json
    from pathlib import Path

    from click.testing import CliRunner

    from amity.cli.main import cli as group

    def cli(*args: str) -> str:
        result = CliRunner().invoke(group, list(args), catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    server.append("INBOX", mail(1, "Bo Berg <bo@example.org>", ME, "Lunch?"))
    server.append("Sent", mail(2, ME, "Dee Doe <dee@example.net>, bo@example.org", "Intro"),
                  mail(3, ME, "dee@example.net", "Follow-up", date="Wed, 03 Dec 2026 09:00:00 +0000"))  # fmt: skip
    secret = Path(str(cli_env)) / "pw.txt"
    secret.write_text(server.password + "\n")
    cli("add", "Bo Berg", "--email", "bo@example.org")
    added = json.loads(cli("sync", "add", "imap", "127.0.0.1", "--port", str(server.port),
                           "--insecure", "--username", server.user, "--password-file",
                           str(secret), "--name", "Mail", "--json"))  # fmt: skip
    assert added["url"] == f"imap://127.0.0.1:{server.port}" and added["has_password"] is True
    assert added["options"]["folders"] == ["INBOX", "Sent"] and added["options"]["tls"] == "none"
    assert "Mail: ok (2 created, 1 skipped)" in cli("sync", "run", "Mail")
    assert "2 created, 1 skipped" in cli("sync", "status", "Mail")
    listed = cli("sync", "suggestions")
    assert "Dee Doe <dee@example.net>: you wrote 2, they wrote 0" in listed
    proposals = json.loads(cli("sync", "suggestions", "--json"))
    assert [p["email"] for p in proposals] == ["dee@example.net"]
    assert "Added Dee Doe" in cli("sync", "suggestions", "add", "dee@example.net")
    assert "No one to propose" in cli("sync", "suggestions")
    assert server.password not in cli("sync", "list", "--json")


MULTIPART = """From: Bo Berg <bo@example.org>
To: ana@example.org
Subject: The slides
Date: Mon, 01 Dec 2026 09:00:00 +0000
Message-ID: <slides@example.org>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: multipart/alternative; boundary="b2"

--b2
Content-Type: text/plain; charset=iso-8859-1
Content-Transfer-Encoding: quoted-printable

Here are the slides from M=FCnchen.
> an old quote
--=20
Bo

--b2
Content-Type: text/html; charset=utf-8

<p>Here are the slides</p>
--b2--

--b1
Content-Type: application/pdf; name="slides.pdf"
Content-Disposition: attachment; filename="slides.pdf"
Content-Transfer-Encoding: base64

SEVBVllBVFRBQ0hNRU5UQllURVM=
--b1--
"""


def test_snippets_read_the_text_part_only(book: Book, server: dv.Dovecot) -> None:
    book.people.add(PersonInput(name="Bo Berg", emails=["bo@example.org"]))
    server.append("INBOX", MULTIPART, mail(2, "bo@example.org", ME, "Plain", body="Short note."))
    account_id = connect(book, server, folders=["INBOX"], snippets=True)
    assert run_account(book, account_id).counts == {"created": 2}  # type: ignore[union-attr]
    i = s.interactions
    with book.ctx.read() as conn:
        notes = dict(
            conn.execute(select(i.c.subject, i.c.notes).where(i.c.owner_id == book.owner_id)).all()
        )
    assert notes == {"The slides": "Here are the slides from München.", "Plain": "Short note."}
    assert all(b"\\Seen" not in f for f in server.flags("INBOX"))


FORWARDED = """From: ana@example.org
To: ana+amity@example.org
Subject: Fwd: Climbing trip
Date: Wed, 03 Dec 2026 09:00:00 +0000
Message-ID: <fwd1@example.org>

She is into bouldering; ask about Fontainebleau.

---------- Forwarded message ---------
From: Bo Berg <bo@example.org>
Date: Tue, 2 Dec 2026 at 18:00
Subject: Climbing trip
To: Ana <ana@example.org>

Want to come along?
"""


def test_capture_by_mail_becomes_notes_on_the_people_named(book: Book, server: dv.Dovecot) -> None:
    bo = book.people.add(PersonInput(name="Bo Berg", emails=["bo@example.org"]))
    cy = book.people.add(PersonInput(name="Cy Lee", emails=["cy@example.net"]))
    server.append("INBOX", FORWARDED)  # to the +amity address, in the inbox
    server.append("Amity", mail(7, ME, ME, "Lunch with Cy Lee", body="Moving to Lyon in May."),
                  mail(8, ME, ME, "Nobody here", body="Just a thought."))  # fmt: skip
    account_id = connect(book, server, folders=["INBOX"], capture_folder="Amity")

    run = run_account(book, account_id)
    assert run is not None and run.counts == {"updated": 2, "skipped": 1}, run
    bo_notes = book.people.get(bo.id).notes or ""
    assert bo_notes.startswith("2026-12-03 (by mail) Fwd: Climbing trip")
    assert "ask about Fontainebleau" in bo_notes
    assert "Moving to Lyon in May." in (book.people.get(cy.id).notes or "")
    assert interactions(book) == []  # notes, not logged mail
    again = run_account(book, account_id)
    assert again is not None and again.counts == {}
    server.recreate("Amity")
    server.append("Amity", mail(7, ME, ME, "Lunch with Cy Lee", body="Moving to Lyon in May."))
    third = run_account(book, account_id)
    assert third is not None and third.counts == {"unchanged": 1}
    assert (book.people.get(cy.id).notes or "").count("Lyon") == 1


def test_adding_a_proposed_person_logs_the_mail_already_synced(
    book: Book, server: dv.Dovecot
) -> None:
    """One click on a proposal is enough: the next run finds their earlier mail on the server
    (a SEARCH by address) and logs it with them, also the messages already logged with others."""
    book.people.add(PersonInput(name="Bo Berg", emails=["bo@example.org"]))
    server.append("INBOX", mail(1, "Dee Doe <dee@example.net>", ME, "Question",
                                date="Mon, 01 Dec 2026 08:00:00 +0000"))  # fmt: skip
    server.append("Sent", mail(2, ME, "Dee Doe <dee@example.net>", "Re: Question",
                               reply_to="<m1@example.org>"),
                  mail(3, ME, "dee@example.net, bo@example.org", "All of us",
                       date="Tue, 02 Dec 2026 09:00:00 +0000"))  # fmt: skip
    account_id = connect(book, server)
    first = run_account(book, account_id)
    assert first is not None and first.counts == {"created": 1, "skipped": 2}
    [dee] = book.mail_sync.suggestions()
    assert (dee.email, dee.sent_count, dee.received_count) == ("dee@example.net", 2, 1)

    person_id = book.mail_sync.add_suggestion(dee.id)
    assert book.mail_sync.suggestion(dee.id).status == "adding"
    replay = run_account(book, account_id)

    assert replay is not None and replay.status == "ok", replay.error
    assert replay.counts == {"created": 2, "updated": 1}
    assert replay.details["replayed"] == {"people": 1, "messages": 3}
    assert book.mail_sync.suggestion(dee.id).status == "added"
    i, ip = s.interactions, s.interaction_participants
    with book.ctx.read() as conn:
        theirs = conn.execute(select(i.c.subject, i.c.needs_reply, i.c.replied_at.is_not(None))
                              .join(ip, ip.c.interaction_id == i.c.id)
                              .where(ip.c.person_id == person_id).order_by(i.c.occurred_at)).all()  # fmt: skip
    assert [tuple(r) for r in theirs] == [("Question", True, True), ("Re: Question", False, False),
                                          ("All of us", False, False)]  # fmt: skip
    assert book.people.get(person_id).last_interaction_at is not None
    quiet = run_account(book, account_id)
    assert quiet is not None and quiet.counts == {}  # nothing replayed twice
