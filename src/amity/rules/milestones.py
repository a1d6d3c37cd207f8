"""Work milestones: what a change of organisation or title means, and its agenda item.

When an import or a sync learns that someone's organisation or title changed, the job history
closes the old job and opens the new one, and the agenda gets a ``congratulate`` item (kind
weight 2.0, built by ``amity.rules.agenda.milestones``) for 30 days from the day Amity learned
of it:

- another organisation: "Ana Lima moved from Acme to Globex as CTO" (``milestone: new_job``);
- the same organisation, another title: "Ana Lima was promoted to VP at Acme"
  (``milestone: promotion``).

    >>> job_change("Acme", "Engineer", "Globex", "CTO")
    'new_job'
    >>> job_change("Acme", "Engineer", "ACME Corp", "VP Engineering")
    'promotion'
    >>> job_change(None, None, "Globex", "CTO") is None  # a first job is news, not a change
    True
"""

from __future__ import annotations

from amity.rules.text import fold

_LEGAL_WORDS = frozenset(
    [
        "inc",
        "incorporated",
        "corp",
        "corporation",
        "co",
        "company",
        "ltd",
        "limited",
        "llc",
        "llp",
        "gmbh",
        "ag",
        "sa",
        "sas",
        "sarl",
        "plc",
        "bv",
        "nv",
        "srl",
        "spa",
        "pty",
        "the",
    ]
)


def org_key(name: str | None) -> str:
    """An organisation's name for comparing: folded, no punctuation, no legal form
    ("Acme, Inc." and "ACME Corp" are both ``acme``)."""
    words = "".join(ch if ch.isalnum() else " " for ch in fold(name or "")).split()
    kept = [w for w in words if w not in _LEGAL_WORDS]
    return " ".join(kept or words)


def _same(a: str | None, b: str | None) -> bool:
    return fold(a or "") == fold(b or "")


def job_change(old_org: str | None, old_title: str | None, new_org: str | None,
               new_title: str | None) -> str | None:  # fmt: skip
    """``new_job``, ``promotion`` or None (nothing known before, nothing new, or a cleared
    field: losing an organisation on a card is not news)."""
    if not (old_org or "").strip() or not (new_org or "").strip():
        return None
    if org_key(old_org) != org_key(new_org):
        return "new_job"
    if (new_title or "").strip() and (old_title or "").strip() and not _same(old_title, new_title):
        return "promotion"
    return None
