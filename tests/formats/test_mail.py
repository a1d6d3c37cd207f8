"""Mail quirks: encoded words, raw 8-bit headers, broken dates, threads, bulk mail."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from amity.formats.mail import iter_mail, parse_mail
from amity.formats.records import InteractionRecord, RecordError, SkippedRecord

MAIL = Path(__file__).parents[2].parent / "shared" / "fixtures" / "mail"


def test_partially_encoded_subject_after_a_from_line() -> None:
    (message,) = parse_mail(MAIL / "mail__partially_encoded_subject_unixfrom.eml").records
    assert message.subject == 'Re: Test: "漢字" mid "漢字" tail'
    assert message.occurred_at == datetime(2005, 5, 2, 22, 7, 5, tzinfo=UTC)


def test_reply_thread_key_is_the_root_of_references() -> None:
    (message,) = parse_mail(MAIL / "mail__reply_with_references_in_reply_to.eml").records
    assert message.thread_key == "<473FF3B8.9020707@xxx.org>"
    assert message.in_reply_to == "<348F04F142D69C21-291E56D292BC@xxxx.net>"
    assert message.names_by_email["mikel@xxxx.net"] == "Mikel Lindsaar"


def test_direction_and_participants_follow_own_addresses() -> None:
    (message,) = parse_mail(
        MAIL / "mail__reply_with_references_in_reply_to.eml", own_addresses=["XXXXXXXX@xxx.org"]
    ).records
    assert message.direction == "outbound"
    assert message.participant_emails == ["mikel@xxxx.net"]


def test_pipermail_thread_and_obfuscated_addresses() -> None:
    messages = parse_mail(MAIL / "perceval__pipermail_three_message_thread.mbox").records
    assert [m.sender_email for m in messages] == [
        "jgb@example.com",
        "andy@example.com",
        "jgb@example.com",
    ]
    assert {m.thread_key for m in messages} == {"<1460624816.5581.114.camel@example.com>"}
    assert messages[0].names_by_email["jgb@example.com"] == "Jesus M. Gonzalez-Barahona"


def test_mailing_list_messages_are_skipped_unless_asked() -> None:
    result = parse_mail(MAIL / "perceval__encoded_word_from_folded_in_reply_to.mbox")
    assert not result.records and len(result.skipped) == 2
    assert all("List-Id" in s.reason for s in result.skipped)
    kept = parse_mail(
        MAIL / "perceval__encoded_word_from_folded_in_reply_to.mbox", include_bulk=True
    )
    assert kept.records[1].names_by_email["danilo@gnome.org"] == "Danilo Šegan"
    assert kept.records[1].in_reply_to == "<1205676169.6819.27.camel@user-computer.NETWORK>"


def test_noreply_senders_are_skipped() -> None:
    (skipped,) = parse_mail(MAIL / "tine20__lowercase_headers_to_leading_comma.eml").skipped
    assert skipped.reason == "automated sender noreply@crystalsdk.com"
    (message,) = parse_mail(
        MAIL / "tine20__lowercase_headers_to_leading_comma.eml", include_bulk=True
    ).records
    assert "inscription@arrakeen.net" in message.participant_emails
    # the first of two Date headers, JavaScript style: Wed Dec 01 2010 23:27:40 GMT+0100
    assert message.occurred_at == datetime(2010, 12, 1, 22, 27, 40, tzinfo=UTC)


def test_missing_date_falls_back_to_the_from_line() -> None:
    messages = parse_mail(MAIL / "perceval__messages_missing_date_duplicate_ids.mbox").records
    assert messages[2].occurred_at == datetime(2010, 12, 1, 8, 26, 40, tzinfo=UTC)
    assert messages[0].names_by_email["goran@domain.com"] == "Göran Lastname"
    assert messages[3].message_id.endswith("@amity.invalid>")  # empty Message-Id synthesised


def test_unreadable_date_without_from_line_is_an_error_with_the_message_number() -> None:
    (error,) = parse_mail(MAIL / "mail__bad_date_header.eml", include_bulk=True).errors
    assert error == RecordError(
        1, "40% OFF holiday patterns and fabric!", "no readable Date header or From_ line date"
    )


def test_raw_latin1_and_utf8_headers() -> None:
    (message,) = parse_mail(MAIL / "perceval__raw_latin1_in_headers.mbox").records
    assert message.subject == "[ovs-dev] Remittance Advice"
    assert message.names_by_email["lucíacharlie@wellsfargo.com"] == "Lucía Charlie"
    (error,) = parse_mail(MAIL / "mail__rfc6532_raw_utf8_headers.eml").errors
    assert error.record == "Säying Hello"  # no Date at all: an error, but the subject is decoded


def test_qp_and_base64_encoded_subjects() -> None:
    (message,) = parse_mail(MAIL / "tine20__qp_encoded_word_iso8859_subject.eml").records
    assert message.subject == "Schnelltest: Bestimmen Sie, was getestet wird."
    (error,) = parse_mail(MAIL / "mail__utf8_base64_encoded_subject_and_to.eml").errors
    assert error.record == "まみむめも"


def test_three_messages_sharing_a_message_id_stay_three() -> None:
    messages = parse_mail(MAIL / "roundcube__three_messages_crlf_from_quoting.mbox").records
    assert [m.subject for m in messages] == ["Import 1", "Import 2", "Import 3"]
    assert len({m.source_ref for m in messages}) == 3


def test_invalid_reference_is_ignored() -> None:
    text = (MAIL / "mail__duplicate_references_one_invalid.eml").read_bytes()
    (message,) = [
        i
        for i in iter_mail(b"Date: Mon, 2 May 2005 16:07:05 -0600\n" + text)
        if isinstance(i, InteractionRecord)
    ]
    assert message.references == ["<foo@bar.net>", "<baz@bar.net>"]


def test_precedence_bulk_and_garbage() -> None:
    message = b"From: a@b.c\nDate: Mon, 2 May 2005 16:07:05 -0600\nPrecedence: bulk\n\nhi\n"
    (skipped,) = list(iter_mail(message))
    assert isinstance(skipped, SkippedRecord) and skipped.line == 1
    assert list(iter_mail(b"")) == []
    list(iter_mail(b"\x00\xff" * 100))


def test_fast_address_splitting_agrees_with_the_standard_library() -> None:
    import email.utils

    from amity.formats.mail import _split_addresses

    for value in (
        'Ana Lima <ana@x.example>, "Doe, John" <john@y.example>, bo@z.example',
        "<only@angle.example>",
        "  ,inscription@arrakeen.net ",
        "weird (comment) <c@d.example>",
        "Group: a@b.example, c@d.example;",
    ):
        assert _split_addresses([value]) == [
            (n, a) for n, a in email.utils.getaddresses([value]) if a
        ], value
