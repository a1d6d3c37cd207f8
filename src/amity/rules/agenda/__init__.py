"""The agenda: one ranked list of today's actions, each with the reason it is there.

How ranking works
=================

Every item gets a **score = urgency x weight**, and the list is sorted by score (highest
first), then by due date (earliest first), then by key (so ties are stable).

**Weight** is how much the people concerned matter to you: the weight of their circle (set per
circle, default 1.0; a person in no circle weighs 1.0). An item about several people (an event
follow-up) takes the highest weight among them.

**Urgency = kind weight x timing.**

Kind weights (configurable in `AgendaSettings.kind_weights`):

| kind | weight | when it is on the agenda |
|---|---|---|
| `reply` | 3.0 | an inbound message awaits your reply (from the day it came) |
| `promise_mine` | 3.0 | your promise is due within 2 days (`promise_lead_days`) or overdue |
| `date` | 2.5 | a birthday, anniversary, work anniversary or custom date, from its lead time (default 7 days, per kind) until the day itself |
| `follow_up` | 2.0 | an explicit follow-up is due; or someone you newly met (with a `met_on` date) has had no interaction 2 days after meeting (for 30 days) |
| `event_follow_up` | 2.0 | people you met at an event have had no interaction 2 days after it ended (one item per event, for 30 days) |
| `promise_theirs` | 1.5 | their promise to you is overdue (a gentle nudge) |
| `keep_in_touch` | 1.0 | the days since the last contact reached the cadence |
| `feedback_request` | 1.5 | a feedback request to make, or to follow up when nothing came by its date |
| `goal_checkin` | 1.0 | an improvement goal's check-in is due |
| `give` | 1.0 | someone has given you clearly more than they received, for a while |
| `share` | 0.8 | a newly added article strongly matches someone's interests |
| `congratulate` | 2.0 | Amity learned (from a sync or an import) that someone moved to another organisation, or got a new title in the same one: for 30 days from the day it learned of it |

Default circle weights: inner 4.0, close 3.0, network 2.0, acquaintance 1.0
(`amity circle set NAME --weight W`).

Timing says how pressing the item is today:

- For `keep_in_touch`: the ratio *days since contact / cadence*, capped at 3.
  It is 1.0 on the day the item appears (the soft threshold, 1.0 x cadence by default) and
  1.5 when it becomes overdue (the hard threshold, 1.5 x cadence by default).
- For everything with a due date: **1.0 on the due day**; before it (inside the lead time)
  it falls linearly to 0.5 at the start of the lead time, `1 - 0.5 x days_until / lead`;
  after it, it grows by 1/7 per day late, `1 + days_late / 7`, capped at 3.
  Dates (birthdays...) leave the agenda after their day, so they are highest on the day.
  A reply is "due" the day it arrived, so it gains 1/7 per day it waits. A goal check-in is
  due its rhythm after the last check-in (or after the goal was set); a feedback request is
  due to be asked the day you wrote it down, and to be followed up on its date (or 14 days
  after asking when it has none).
- For `give`: 1.0 when they gave you 2 more than they received, +0.25 for each one more,
  capped at 2. It shows once the first favour you have not returned is 30 days old.
- For `share`: 1.0. An article is new for 14 days after you added it; each one suggests at
  most 3 people among its 20 best matches (BM25, see `amity.rules.matching`) whose
  interests, tags or past shares cover one of its topics entirely, and never someone who
  has it already.

Example: Ana is in the circle *close* (default weight 3.0, cadence 30 days) and you last
talked 47 days ago. Timing = 47 / 30 = 1.57; urgency = 1.0 x 1.57; score = 1.57 x 3.0 =
**4.70**. Her birthday on the day scores 2.5 x 1.0 x 3.0 = **7.5**; a promise to her 2 days
late scores 3.0 x (1 + 2/7) x 3.0 = **11.57**. Each action carries this arithmetic in
`details["explain"]`.

Settings
========

| setting (`AgendaSettings`) | default | meaning |
|---|---|---|
| `time_zone` | `UTC` | the user's zone: "today", and the local date of every instant |
| `soft_threshold` | 1.0 | `keep_in_touch` appears at this multiple of the cadence |
| `hard_threshold` | 1.5 | ... and is marked overdue from this multiple |
| `date_lead_days` | 7 per kind | days before a date it is shown (`birthday`, `anniversary`, `work_anniversary`, `custom`) |
| `new_contact_follow_up_days` | 2 | days after meeting someone (or an event's end) to follow up |
| `new_contact_window_days` | 30 | days the new-contact follow-up keeps showing after that |
| `promise_lead_days` | 2 | days before its due date that your promise shows |
| `kind_weights` | table above | the kind weights |
| `backlog_reply_days` | 30 | a reply waiting longer than this goes to the Backlog |
| `backlog_cadence_factor` | 3.0 | a `keep_in_touch` item past this multiple of the cadence goes to the Backlog |

Cadences: a person's own cadence (`0` = never: no `keep_in_touch` item) or else their circle's.
It restarts on any interaction of any kind in either direction; someone never contacted counts
from the later of when they were added and when you met.

Backlog
=======

Items far past due would bury today's: a message that has waited 880 days for a reply, or
someone last seen ten cadences ago, ranks high (timing grows with lateness, up to 3) but is
rarely what today is about. Such **stale** items fold into a separate *Backlog* on the Today
page, below today's list, still in ranking order, where they can be snoozed or dismissed in
bulk (`amity today` lists every item; `amity today --backlog` only the stale ones):

- a `reply` waiting more than **30 days** (`agenda.backlog_reply_days`);
- a `keep_in_touch` item whose days since contact exceed **3x the cadence**
  (`agenda.backlog_cadence_factor`): with a 30-day cadence, from day 91.

Nothing else is ever stale: promises, dates and follow-ups stay on today's list however late.
The split changes where an item is shown, never its score, key or reason
(`amity.rules.agenda.backlog.split_backlog`).

What you did to an item
=======================

Items are computed, never stored; only what you did to them is, by their stable `key`:

- `done` and `dismissed` items are hidden. Keys are anchored to one occurrence
  (`date:birthday:d17:2026`, `keep_in_touch:p42:2026-11-03` where the date is the last
  contact, `promise:c8`...), so a *new* occurrence (next year's birthday, the next time the
  cadence runs out after a new contact) comes back with a new key.
- `done` also closes the record behind an item: a promise is kept, a follow-up done, a
  message counts as answered, and asking for feedback (`feedback_request:ask:...`) marks
  the request asked, so its follow-up comes later.
- `snoozed` items are hidden until their `until` date and come back on that day.
- **Restore** (the page's Undo, `amity restore KEY`, `DELETE /api/v1/agenda/{key}/state`)
  forgets what was done: the item is back, and a promise, follow-up, answered message or asked
  feedback request that `done` closed is open again (when nothing else closed it since).
- A `keep_in_touch` item marked done counts as contact on the day it was marked: the cadence
  restarts from there (`effective_last_contacts()`).
- While someone newly met has a visible follow-up item (alone or in an event's group), they get
  no separate `keep_in_touch` item.

Keys
====

`reply:i{interaction}`, `promise:c{commitment}`, `follow_up:f{follow_up}`,
`follow_up:met:p{person}:{met_on}`, `event_follow_up:e{event}`,
`keep_in_touch:p{person}:{last contact or start date}`,
`date:{birthday|anniversary|custom}:d{date id}:{year}`, `date:work_anniversary:j{job}:{year}`,
`give:p{person}:{the last day they gave you something}`, `share:a{article}:p{person}`,
`goal_checkin:g{goal}:{due date}`, `feedback_request:ask:r{request}`,
`feedback_request:follow_up:r{request}:{due date}`.

Every number in a key names a record of yours (a person, a promise, an article...): marking
an item whose record is not yours, or does not exist, is refused as not found.

Only people in `AgendaInputs.people` (the active, non-archived ones) get the items of the
first seven kinds; rows about anyone else are ignored. The network's inputs (`give`,
`share`, `feedback_request`) carry the people they are about with their circles; a goal
check-in is about nobody and weighs 1. Every kind is built in this package from the inputs
the Book loads in one pass (`amity.book.agenda.loader`), filtered by the same states and
ranked in one list.
"""

from __future__ import annotations

from amity.rules.agenda.backlog import split_backlog, stale_reason
from amity.rules.agenda.engine import build_agenda
from amity.rules.agenda.inputs import (
    AgendaInputs,
    AgendaState,
    AttendanceInput,
    CommitmentInput,
    DateInput,
    FeedbackRequestInput,
    FollowUpInput,
    GiveInput,
    GoalInput,
    JobStartInput,
    PersonInput,
    RecentArticle,
    ReplyInput,
    ShareInputs,
    Someone,
)
from amity.rules.agenda.keep_in_touch import (
    done_contact_dates,
    effective_last_contact,
    effective_last_contacts,
)
from amity.rules.agenda.keys import (
    MAX_ID,
    ItemKey,
    NotAnItemKey,
    keep_in_touch_key,
    keep_in_touch_person_id,
    looks_like_item_key,
    parse_item_key,
    parse_promise_id,
    supported_day,
)
from amity.rules.agenda.scoring import (
    MAX_TIMING,
    STATES,
    apply_states,
    cadence_timing,
    due_timing,
    is_hidden,
    make_action,
    rank_actions,
)
from amity.rules.agenda.settings import (
    DATE_KINDS,
    DEFAULT_DATE_LEAD_DAYS,
    DEFAULT_KIND_WEIGHTS,
    DEFAULT_SETTINGS,
    KINDS,
    AgendaSettings,
    agenda_settings_from,
    max_date_lead,
)

__all__ = [
    "DATE_KINDS",
    "DEFAULT_DATE_LEAD_DAYS",
    "DEFAULT_KIND_WEIGHTS",
    "DEFAULT_SETTINGS",
    "KINDS",
    "MAX_ID",
    "MAX_TIMING",
    "STATES",
    "AgendaInputs",
    "AgendaSettings",
    "AgendaState",
    "AttendanceInput",
    "CommitmentInput",
    "DateInput",
    "FeedbackRequestInput",
    "FollowUpInput",
    "GiveInput",
    "GoalInput",
    "ItemKey",
    "JobStartInput",
    "NotAnItemKey",
    "PersonInput",
    "RecentArticle",
    "ReplyInput",
    "ShareInputs",
    "Someone",
    "agenda_settings_from",
    "apply_states",
    "build_agenda",
    "cadence_timing",
    "done_contact_dates",
    "due_timing",
    "effective_last_contact",
    "effective_last_contacts",
    "is_hidden",
    "keep_in_touch_key",
    "keep_in_touch_person_id",
    "looks_like_item_key",
    "make_action",
    "max_date_lead",
    "parse_item_key",
    "parse_promise_id",
    "rank_actions",
    "split_backlog",
    "stale_reason",
    "supported_day",
]
