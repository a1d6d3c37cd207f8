"""vCard quirks from real exporters, each with the value that must come out."""

from __future__ import annotations

import time
from pathlib import Path

from amity.formats.records import PersonRecord, RecordError
from amity.formats.vcard import iter_vcards, parse_vcards
from amity.model import ImportantDate, PartialDate

VCARD = Path(__file__).parents[2].parent / "shared" / "fixtures" / "vcard"


def one(name: str, **options: str) -> PersonRecord:
    people = parse_vcards(VCARD / name, **options).people
    assert len(people) == 1
    return people[0]


def read(text: str, **options: str) -> list[PersonRecord | RecordError]:
    return list(iter_vcards(text.replace("\n", "\r\n").encode(), **options))  # type: ignore[misc]


def labels(points: list) -> dict[str, str | None]:  # type: ignore[type-arg]
    return {p.value: p.label for p in points}


# --- fixtures ------------------------------------------------------------------------------


def test_android_21_quoted_printable_soft_breaks_decode_across_lines() -> None:
    people = parse_vcards(VCARD / "ezvcard__android_21_qp_softbreaks_multi_photo.vcf").people
    assert len(people) == 6
    assert people[3].name == "Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ"
    assert people[2].phones[0].label == "mobile" and people[2].phones[0].is_primary
    assert people[5].org == "Ñ" * 44  # a QP value ending in "=" before the next property


def test_evolution_escaped_commas_and_x_evolution_anniversary() -> None:
    person = one("ezvcard__evolution_30_couchdb_params_x_anniversary.vcf")
    assert person.name == "Mr. John Richter, James Doe Sr."
    assert person.anniversary == PartialDate(3, 22, 1980)
    assert labels(person.phones)["905-555-1234"] == "work"
    assert person.impps[0].service == "aim"


def test_gmail_x_abdate_and_x_abrelatednames_with_apple_labels() -> None:
    person = one("ezvcard__gmail_30_xabdate_xabrelatednames.vcf")
    assert person.anniversary == PartialDate(3, 1, 1975)
    assert [(r.kind, r.name) for r in person.related] == [("spouse", "Jenny")]
    assert person.urls[0].value == "http://www.ibm.com"  # http\://
    assert person.notes and person.notes.endswith("Favotire Color: Blue")


def test_gmail_every_custom_label() -> None:
    person = one("ezvcard__gmail_30_every_custom_label.vcf")
    assert labels(person.emails)["customcategory@example.com"] == "CustomEmailCategory"
    assert labels(person.phones)["5555551119"] == "GRAND_CENTRAL"
    assert labels(person.phones)["5555551117"] == "home fax"
    assert any(d.when.year == 1776 for d in person.dates)
    assert len(person.related) == 16
    assert {"gtalk", "skype", "qq"} <= {p.service for p in person.impps}


def test_iphone_grouped_email_and_assistant_phone_label() -> None:
    person = one("ezvcard__iphone_ios5_30_grouped_photo.vcf")
    assert person.emails[0].value == "john.doe@ibm.com" and person.emails[0].is_primary
    assert labels(person.phones)["905-222-1234"] == "assistant phone"
    assert person.birthday == PartialDate(6, 6, 2012)
    assert person.photo and person.photo.startswith("data:image/jpeg;base64,/9j/")


def test_mac_address_book_plain_spouse_label_and_escaped_note() -> None:
    person = one("ezvcard__mac_addressbook_30_relatednames_photo.vcf")
    assert ("spouse", "Jenny") in [(r.kind, r.name) for r in person.related]
    assert person.notes and '"AS IS"' in person.notes
    assert labels(person.phones)["905-222-1234"] == "AssistantPhone"


def test_lotus_notes_odd_properties_are_ignored() -> None:
    person = one("ezvcard__apple_ab61_lotusnotes_30_odd_props.vcf")
    assert person.nickname == "Johny,JayJay"
    assert (person.org, person.department) == ("IBM", "SUN")


def test_outlook_21_x_ms_anniversary_and_unescaped_commas_kept() -> None:
    person = one("ezvcard__outlook_21_qp_label_x_ms_anniversary_photo.vcf")
    assert person.birthday == PartialDate(3, 22, 1980)
    assert person.anniversary == PartialDate(1, 13, 2011)
    assert person.notes and "WARRANTIES, INCLUDING, BUT NOT LIMITED" in person.notes


def test_outlook2003_qp_note_split_mid_escape() -> None:
    person = one("ezvcard__outlook2003_21_qp_note_key.vcf")
    assert person.notes == "This is the note field!!\nSecond line\n\nThird line is empty"
    assert person.org == "Company, The"


def test_outlook2007_us_ascii_qp_note_and_x_ms_spouse() -> None:
    person = one("ezvcard__outlook2007_21_qp_charset_usascii.vcf")
    assert person.notes and person.notes.startswith("This is the NOTE field\t\nI assume")
    assert person.birthday == PartialDate(3, 10, 1922)
    assert person.anniversary == PartialDate(8, 1, 2012)
    assert ("spouse", "TheSpouse") in [(r.kind, r.name) for r in person.related]


def test_thunderbird_charset_params_and_escaped_categories() -> None:
    person = one("ezvcard__thunderbird_mfab_30_charset_x_anniversary.vcf")
    assert person.tags == ["category1", "category2", "category3"]
    assert person.anniversary == PartialDate(4, 30, 1990)
    assert person.notes and "even curse words." in person.notes


def test_fullcontact_altid_birthday_and_two_orgs() -> None:
    person = one("ezvcard__fullcontact_40_bday_altid_multi_org.vcf")
    assert person.birthday == PartialDate(8, 1, 2016)
    assert (person.org, person.department, person.title) == (
        "Organization1",
        "Department1",
        "Title1",
    )
    assert labels(person.emails)["custom@example.com"] == "customtype"
    assert person.photo and person.photo.startswith("https://")


def test_adr_label_parameter_with_caret_escapes_and_colons() -> None:
    person = one("ezvcard__40_adr_label_param_caret_escapes.vcf")
    assert person.name == "Dummy, Dummy"
    assert "Dummy-Dummy-Strasse 1" in person.addresses[0].value
    assert person.phones[0].normalized == "+49123456789"


def test_value_text_birthday_is_kept_as_a_note() -> None:
    person = one("khard__40_bday_value_text.vcf")
    assert person.birthday is None
    assert person.notes == "Birthday: circa 1800"


def test_missing_end_vcard_still_imports() -> None:
    assert one("khard__40_missing_end_vcard.vcf").name == "second contact with minimal Vcard"


def test_korean_fn_only() -> None:
    person = one("khard__40_korean_name_lf.vcf")
    assert person.name == "최유림"
    assert person.source_ref.startswith("sha256:")


def test_photo_data_uri_with_escaped_comma() -> None:
    photo = one("khard__40_photo_data_uri_escaped_comma.vcf").photo
    assert photo and photo.startswith("data:image/png;base64,iVBORw0KGgo")


def test_cardbook_1604_birthday_has_no_year() -> None:
    assert one("radicale__cardbook_30_bday_16040101_no_year.vcf").birthday == PartialDate(1, 1)


def test_davx5_birthday_and_nickname() -> None:
    person = one("radicale__davx5_30_bday.vcf")
    assert (person.birthday, person.nickname) == (PartialDate(1, 1, 1970), "Test-NICKNAME")


def test_cards_with_only_an_email_are_named_by_it() -> None:
    people = parse_vcards(VCARD / "radicale__sogo_30_cards_missing_n_and_fn.vcf").people
    assert [p.name for p in people] == [
        "test-misses-N-or-FN@example.com",
        "test-misses-N-or-FN@example1.com",
    ]
    assert people[0].emails[0].normalized == "test-misses-n-or-fn@example.com"


def test_windows_1252_charset_and_mixed_email_params() -> None:
    person = one("roundcube__21_charset_windows1252_8bit.vcf")
    assert person.name == "John Doë"
    assert labels(person.emails) == {"inbox@roundcube.net": "work", "roundcube@gmail.com": "home"}
    assert [e.is_primary for e in person.emails] == [False, True]


def test_qp_8bit_without_charset_does_not_crash() -> None:
    # =F1 with no CHARSET is ambiguous (ISO-8859-2 'ń' in the source); read as Windows-1252.
    person = one("roundcube__21_qp_8bit_no_charset.vcf")
    assert person.name == "Piotr Iksiñski"


def test_utf16_big_endian_without_bom() -> None:
    person = one("roundcube__30_utf16be_no_bom.vcf")
    assert person.name == "Ǽgean ĽdaMonté"
    assert "Perú" in person.addresses[0].value


def test_apple_company_card_with_empty_n() -> None:
    person = one("roundcube__apple_30_photo_nonascii_city.vcf")
    assert (person.name, person.org) == ("Apple Computer AG", "Apple Computer AG")
    assert "Wallisellen-Zürich" in person.addresses[0].value
    assert person.urls[0].label == "home page"
    assert person.photo and person.photo.startswith("data:image/jpeg;base64,")


def test_raw_utf8_without_charset() -> None:
    person = one("tine20__21_raw_utf8_no_charset.vcf")
    assert person.name == "Michael" and person.family_name == "Spahn"
    assert person.addresses[0].value.startswith("Teststraße 1")


def test_malformed_label_lines_and_latin1_bytes() -> None:
    person = one("tine20__30_malformed_label_latin1.vcf")
    assert person.name == "München, Falk"
    assert any("Düsseldorf" in a.value for a in person.addresses)
    assert "" not in [p.value for p in person.phones]


def test_emclient_short_n_and_quoted_type() -> None:
    person = one("tine20__emclient_30_short_n.vcf")
    assert person.birthday == PartialDate(1, 26, 1950)
    assert labels(person.phones)["+49 MOBIL2"] == "other"


def test_ios5_other_label_is_cleaned() -> None:
    person = one("tine20__ios5_30_ablabel_other.vcf")
    assert labels(person.emails)["andere@mail.de"] == "other"


def test_sogo_folded_adr_and_categories() -> None:
    person = one("tine20__sogo_connector_30_folded_adr.vcf")
    assert person.tags == ["CATEGORY 1", "CATEGORY 2"]
    assert "Region Business" in person.addresses[0].value


def test_nextcloud_uppercase_item_group_and_time_in_birthday() -> None:
    person = one("icaljs__nextcloud_sabre_30_escapes_uppercase_group.vcf")
    assert person.birthday == PartialDate(2, 10, 2019)
    assert person.anniversary == PartialDate(2, 20, 2019)
    assert labels(person.phones)["11111111"] == "home"


def test_vcard4_anniversary_yearless_birthday_related_and_impp() -> None:
    person = one("icaljs__40_anniversary_bday_no_year_kind_member.vcf")
    assert person.birthday == PartialDate(2, 3, None)
    assert person.anniversary == PartialDate(4, 15, 1996)
    assert person.related[0].kind == "friend"
    assert person.impps[0].service == "xmpp"
    assert person.is_group is False


# --- inline edge cases ---------------------------------------------------------------------


def test_apple_omit_year_and_yearless_forms() -> None:
    (person,) = read("""BEGIN:VCARD
VERSION:3.0
FN:Ana Lima
BDAY;X-APPLE-OMIT-YEAR=1604:1604-04-15
X-ANNIVERSARY:--0520
item1.X-ABDATE:--06-01
item1.X-ABLabel:Met
END:VCARD
""")
    assert isinstance(person, PersonRecord)
    assert person.birthday == PartialDate(4, 15)
    assert person.anniversary == PartialDate(5, 20)
    assert person.dates == [ImportantDate("custom", PartialDate(6, 1), "Met")]


def test_social_profiles_and_vcard4_quoted_types() -> None:
    (person,) = read(
        """BEGIN:VCARD
VERSION:4.0
FN:Bo
X-SOCIALPROFILE;TYPE=twitter;X-USER=bo:https://twitter.com/bo
TEL;TYPE="voice,cell";PREF=1:(415) 555-0123
IMPP;X-SERVICE-TYPE=Skype:skype:bo.b
END:VCARD
""",
        default_region="US",
    )
    assert isinstance(person, PersonRecord)
    assert (person.socials[0].service, person.socials[0].value) == (
        "twitter",
        "https://twitter.com/bo",
    )
    phone = person.phones[0]
    assert (phone.normalized, phone.label, phone.is_primary, phone.value) == (
        "+14155550123",
        "mobile",
        True,
        "(415) 555-0123",
    )
    assert person.impps[0].service == "skype"


def test_group_card_with_members() -> None:
    (group,) = read("""BEGIN:VCARD
VERSION:4.0
KIND:group
FN:Book club
MEMBER:urn:uuid:03a0e51f-d1aa-4385-8a53-e29025acd8af
MEMBER:urn:uuid:b8767877-b4a1-4c70-9acc-505d3819e519
END:VCARD
""")
    assert isinstance(group, PersonRecord) and group.is_group
    assert group.members == [  # as the card has them: matched by UID when imported
        "urn:uuid:03a0e51f-d1aa-4385-8a53-e29025acd8af",
        "urn:uuid:b8767877-b4a1-4c70-9acc-505d3819e519",
    ]


def test_a_card_without_name_email_or_org_is_an_error_with_its_line_and_the_rest_imports() -> None:
    items = read("""BEGIN:VCARD
VERSION:3.0
FN:Good One
END:VCARD
BEGIN:VCARD
VERSION:3.0
TEL:123
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:Good Two
END:VCARD
""")
    assert [type(i).__name__ for i in items] == ["PersonRecord", "RecordError", "PersonRecord"]
    error = items[1]
    assert isinstance(error, RecordError) and error.line == 5


def test_name_is_built_from_n_when_fn_is_missing() -> None:
    (person,) = read("BEGIN:VCARD\nVERSION:3.0\nN:Lima;Ana;;Dr.;\nEND:VCARD\n")
    assert isinstance(person, PersonRecord) and person.name == "Dr. Ana Lima"


def test_long_parameter_lists_do_not_hang_the_parser() -> None:
    """vobject's content-line regex is exponential on this; ours must be linear."""
    evil = "EMAIL;TYPE=a" + "," * 5000
    started = time.perf_counter()
    items = read(f"BEGIN:VCARD\nVERSION:3.0\nFN:X\n{evil}\n{evil}:x@y.z\nEND:VCARD\n")
    assert time.perf_counter() - started < 1.0
    assert isinstance(items[0], PersonRecord) and items[0].emails == []


def test_garbage_never_raises() -> None:
    for text in ("", "BEGIN:VCARD", "BEGIN:VCARD\n:\n;;;\nEND:VCARD", "\x00\xff" * 50):
        list(iter_vcards(text.encode("utf-8", "surrogateescape")))
