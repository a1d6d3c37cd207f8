"""The MCP tools: each one parses its arguments (the SDK validates them against the input
schema), calls one Book method, and answers a short text plus structured content that follows
its output schema. Errors become tool errors with a clear message (``server.tool_errors``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any, Literal

from mcp_types import CallToolResult, TextContent, ToolAnnotations
from pydantic import Field

from amity import serialize as js
from amity.assistant import schemas as o
from amity.assistant.access import Access
from amity.model import DIRECTIONS, FACT_KINDS, INTERACTION_KINDS
from amity.rules.words import counted, with_article

READ = ToolAnnotations(
    read_only_hint=True, idempotent_hint=True, destructive_hint=False, open_world_hint=False
)
ADD = ToolAnnotations(
    read_only_hint=False, idempotent_hint=False, destructive_hint=False, open_world_hint=False
)
CHANGE = ToolAnnotations(
    read_only_hint=False, idempotent_hint=True, destructive_hint=True, open_world_hint=False
)
Day = Annotated[date | None, Field(description="A day (YYYY-MM-DD); default: today.")]


ToolDecorator = Callable[[str, str, ToolAnnotations], Callable[[Callable[..., Any]], Any]]


def answer(text: str, data: dict[str, Any]) -> CallToolResult:
    return CallToolResult(content=[TextContent(type="text", text=text)], structured_content=data)


def lines(rows: list[str], empty: str) -> str:
    return "\n".join(rows) if rows else empty


def register_tools(server: Any, access: Callable[[], Access]) -> None:
    """Every tool of the Amity MCP server, bound to ``access`` (the caller's book)."""

    def tool(name: str, title: str, annotations: ToolAnnotations) -> Callable[[Any], Any]:
        return server.tool(name=name, title=title, annotations=annotations)  # type: ignore[no-any-return]

    # --- reading ----------------------------------------------------------------------------

    @tool("today", "Today's agenda", READ)
    def today(date: Day = None, limit: o.Limit = 20) -> Annotated[CallToolResult, o.TodayOut]:
        """Today's ranked actions (reply, keep in touch, promises, birthdays, follow-ups...),
        each with the reason it is there and the key to pass to `done` or `snooze`."""
        book = access().book
        day = date or book.today()
        items = book.agenda.items(today=day, limit=limit)
        rows = [f"{n}. {a.reason}  [key {a.key}]" for n, a in enumerate(items, start=1)]
        data = {
            "date": day.isoformat(),
            "count": len(items),
            "items": [js.action_json(a) for a in items],
        }
        return answer(lines(rows, f"Nothing on the agenda for {day.isoformat()}."), data)

    @tool("person", "A person's card", READ)
    def person(
        person: o.PersonRef, recent: Annotated[int, Field(ge=0, le=50)] = 5
    ) -> Annotated[CallToolResult, o.PersonCardOut]:
        """A person's profile, what they care about (facts), questions to ask next time, and
        their latest interactions."""
        card = access().book.person_card(person, recent=recent)
        p = card.person
        text = card_text(card)
        data = {
            "person": js.person_json(p, details=True),
            "facts": [js.fact_json(f) for f in p.facts],
            "questions_to_ask": [js.question_json(q) for q in card.open_questions],  # type: ignore[arg-type]
            "recent": [js.interaction_json(i) for i in card.recent],
        }
        return answer(text, data)

    @tool("search", "Search the book", READ)
    def search(
        query: Annotated[str, Field(min_length=1, max_length=500)], limit: o.Limit = 10
    ) -> Annotated[CallToolResult, o.SearchOut]:
        """Full-text search over people, notes and conversations."""
        hits = access().book.search(query, limit=limit)
        rows = [f"{h.kind} {h.id}: {h.title} - {h.snippet}" for h in hits]
        data = {
            "query": query,
            "hits": [
                {
                    "kind": h.kind,
                    "id": h.id,
                    "title": h.title,
                    "snippet": h.snippet,
                    "score": h.score,
                    "people": [js.ref_json(r) for r in h.people],
                }
                for h in hits
            ],
        }
        return answer(lines(rows, f"Nothing matches {query!r}."), data)

    @tool("brief", "Brief before a meeting", READ)
    def brief(
        person: Annotated[
            str | None,
            Field(max_length=300, description="A person; leave out for today's meetings."),
        ] = None,
        date: Day = None,
    ) -> Annotated[CallToolResult, o.BriefOut]:
        """Everything to read before meeting someone (how you met, recent interactions, open
        promises both ways, interests, family, questions to ask, upcoming dates); without a
        person, the briefs for everyone in the day's planned meetings."""
        book = access().book
        if person:
            found = book.briefs.brief(person, today=date)
            data: dict[str, Any] = {
                "mode": "person",
                "date": found.today.isoformat(),
                "brief": js.brief_json(found),
                "meetings": [],
            }
            return answer(brief_text(found), data)
        meetings = book.briefs.prepare(date)
        day = (date or book.today()).isoformat()
        rows = [
            f"{m.interaction.occurred_at:%H:%M} {m.interaction.subject or m.interaction.kind}: "
            + ", ".join(b.person.name for b in m.briefs)
            for m in meetings
        ]
        data = {
            "mode": "meetings",
            "date": day,
            "brief": None,
            "meetings": [js.meeting_json(m) for m in meetings],
        }
        return answer(lines(rows, f"No planned meetings on {day}."), data)

    @tool("awaiting_replies", "Messages awaiting your reply", READ)
    def awaiting_replies() -> Annotated[CallToolResult, o.AwaitingOut]:
        """Inbound messages still awaiting your reply, oldest first, with how long they wait."""
        waiting = access().book.replies.awaiting()
        items = [{**js.interaction_json(w.interaction), "waiting_days": w.days} for w in waiting]
        rows = [
            f"{', '.join(r.name for r in w.interaction.people)}: "
            f"{w.interaction.subject or w.interaction.kind} ({w.days} days)"
            for w in waiting
        ]
        return answer(
            lines(rows, "Nothing awaits your reply."), {"count": len(items), "items": items}
        )

    @tool("promises", "Promises both ways", READ)
    def promises(
        direction: Literal["mine", "theirs"] | None = None,
        status: Literal["open", "overdue", "done", "dropped", "all"] = "open",
        person: Annotated[str | None, Field(max_length=300)] = None,
    ) -> Annotated[CallToolResult, o.PromisesOut]:
        """Promises you made (mine) and others made to you (theirs), soonest due first."""
        found = access().book.commitments.list(direction=direction, status=status, person=person)
        rows = [
            f"P{c.id} {'you to' if c.direction == 'mine' else 'from'} {c.person.name}: {c.text}"
            + (f" (due {c.due_on.isoformat()})" if c.due_on else "")
            for c in found
        ]
        data = {"count": len(found), "promises": [js.commitment_json(c) for c in found]}
        return answer(lines(rows, "No promises match."), data)

    @tool("warm_path", "Warm introduction paths", READ)
    def warm_path(
        target: Annotated[
            str,
            Field(
                min_length=1,
                max_length=300,
                description="A person, an organisation or a tag (org:Acme, tag:investor).",
            ),
        ],
        limit: Annotated[int, Field(ge=1, le=10)] = 3,
    ) -> Annotated[CallToolResult, o.PathsOut]:
        """The best chains of people who could introduce you to the target, strongest first."""
        found = access().book.network.paths.find(target, limit=limit)
        rows = [p.explain() for p in found.paths]
        return answer(lines(rows, f"No warm path to {target}."), js.path_result_json(found))

    @tool("share_suggestions", "Who would care about an article", READ)
    def share_suggestions(
        article: Annotated[
            str, Field(min_length=1, max_length=500, description="An article: id, URL or title.")
        ],
        limit: Annotated[int, Field(ge=1, le=50)] = 5,
    ) -> Annotated[CallToolResult, o.SuggestionsOut]:
        """People whose interests match an article in your library (those who have it
        already are left out), best first, with why."""
        matches = access().book.articles.suggest(article, limit=limit)
        rows = [f"{m.person.name}: {m.reason()}" for m in matches]
        data = {"article": article, "matches": [js.match_json(m) for m in matches]}
        return answer(lines(rows, "Nobody in your book matches this article."), data)

    @tool("review", "Weekly or monthly review", READ)
    def review(
        period: Literal["week", "month"] = "week", date: Day = None
    ) -> Annotated[CallToolResult, o.ReviewOut]:
        """How the period went against the one before: people reached, interactions,
        promises kept on time, reply times, drifting relationships, feedback, goals."""
        found = access().book.reviews.review(period, today=date)
        data = js.review_json(found)
        text = (
            f"{period.capitalize()} {data['period']['start']} to {data['period']['end']}: "
            f"{counted(int(found.people_reached.current or 0), 'person')} reached "
            f"({found.people_reached.change:+} vs before), "
            f"{counted(int(found.interactions.current or 0), 'interaction')}, "
            f"{found.promises_kept_on_time.current} of {found.promises_judged.current} "
            "promises kept on time."
        )
        return answer(text, data)

    register_writes(tool, access)


def register_writes(tool: ToolDecorator, access: Callable[[], Access]) -> None:
    """The tools that change the book (refused with a read-only token)."""

    @tool("add_person", "Add a person", ADD)
    def add_person(
        name: Annotated[str, Field(min_length=1, max_length=300)],
        email: Annotated[str | None, Field(max_length=300)] = None,
        phone: Annotated[str | None, Field(max_length=50)] = None,
        org: Annotated[str | None, Field(max_length=300)] = None,
        title: Annotated[str | None, Field(max_length=300)] = None,
        tags: Annotated[list[Annotated[str, Field(max_length=100)]], Field(max_length=20)] = [],  # noqa: B006
        how_met: Annotated[str | None, Field(max_length=2000)] = None,
        note: Annotated[str | None, Field(max_length=20_000)] = None,
    ) -> Annotated[CallToolResult, o.PersonOut]:
        """Add someone to the book."""
        from amity.book import PersonInput

        book = access().writable()
        added = book.people.add(
            PersonInput(
                name=name,
                emails=[email] if email else [],
                phones=[phone] if phone else [],
                org=org,
                title=title,
                tags=list(tags),
                how_met=how_met,
                note=note,
            )
        )
        return answer(f"Added {added.name} (id {added.id}).", js.person_json(added, details=True))

    @tool("log_interaction", "Log an interaction", ADD)
    def log_interaction(
        people: Annotated[list[o.PersonRef], Field(min_length=1, max_length=50)],
        kind: Literal[INTERACTION_KINDS] = "meeting",  # type: ignore[valid-type]
        direction: Literal[DIRECTIONS] | None = None,  # type: ignore[valid-type]
        subject: Annotated[str | None, Field(max_length=500)] = None,
        notes: o.LongText | None = None,
        occurred_at: Annotated[
            datetime | None,
            Field(description="When, with a time zone (ISO 8601); default: now."),
        ] = None,
        needs_reply: bool = False,
    ) -> Annotated[CallToolResult, o.InteractionOut]:
        """Record a conversation with one or more people (it restarts their cadence)."""
        from amity.book import InteractionInput

        book = access().writable()
        logged = book.interactions.log(
            InteractionInput(
                people=list(people),
                kind=kind,
                direction=direction,
                occurred_at=occurred_at,
                subject=subject,
                notes=notes,
                needs_reply=needs_reply,
                source="mcp",
            )
        )
        names = ", ".join(r.name for r in logged.people)
        return answer(
            f"Logged {with_article(logged.kind)} with {names}.", js.interaction_json(logged)
        )

    @tool("add_fact", "Remember something about a person", ADD)
    def add_fact(
        person: o.PersonRef,
        text: o.ShortText,
        kind: Literal[FACT_KINDS] = "other",  # type: ignore[valid-type]
    ) -> Annotated[CallToolResult, o.FactOut]:
        """Remember something a person cares about or told you."""
        fact = access().writable().people.add_fact(person, kind, text)
        return answer(f"Remembered ({fact.kind}): {fact.text}", js.fact_json(fact))

    @tool("ask", "Note a question to ask", ADD)
    def ask(person: o.PersonRef, question: o.ShortText) -> Annotated[CallToolResult, o.QuestionOut]:
        """Note a question to ask this person next time (it shows in their brief)."""
        found = access().writable().people.add_question(person, question)
        return answer(f"Will ask: {found.text}", js.question_json(found))

    @tool("promise", "Record a promise", ADD)
    def promise(
        person: o.PersonRef,
        text: o.ShortText,
        due: Annotated[date | None, Field(description="Due day (YYYY-MM-DD).")] = None,
        theirs: Annotated[
            bool, Field(description="They promised you (else: you promised).")
        ] = False,
    ) -> Annotated[CallToolResult, o.PromiseOut]:
        """Record a promise you made to someone, or (theirs) one they made to you."""
        made = (
            access()
            .writable()
            .commitments.add(person, text, direction="theirs" if theirs else "mine", due_on=due)
        )
        return answer(f"Promise P{made.id} recorded: {made.text}", js.commitment_json(made))

    @tool("follow_up", "Plan a follow-up", ADD)
    def follow_up(
        person: o.PersonRef,
        text: o.ShortText,
        due: Annotated[date, Field(description="The day to follow up (YYYY-MM-DD).")],
    ) -> Annotated[CallToolResult, o.FollowUpOut]:
        """Plan to follow up with someone on a day (it shows on the agenda then)."""
        made = access().writable().follow_ups.add(person, text, due)
        return answer(
            f"Follow up with {made.person.name} on {made.due_on.isoformat()}.",
            js.follow_up_json(made),
        )

    @tool("done", "Mark an item or a promise done", CHANGE)
    def done(
        item: Annotated[
            str,
            Field(
                min_length=1,
                max_length=200,
                description="An agenda key from `today` (has a colon) or a promise id (P12).",
            ),
        ],
    ) -> Annotated[CallToolResult, o.DoneOut]:
        """Mark an agenda item done (a promise is kept, a follow-up closed, a reply answered,
        a keep-in-touch counts as contact today) or keep a promise by its id."""
        from amity.errors import InvalidInput
        from amity.rules.agenda import looks_like_item_key, parse_promise_id

        book = access().writable()
        if looks_like_item_key(item):
            parsed = book.agenda.done(item)
            return answer(f"Done: {parsed.key}", {"key": parsed.key, "state": "done"})
        try:
            promise_id = parse_promise_id(item)
        except ValueError:
            raise InvalidInput(
                f"{item!r} is neither an agenda key (with a colon) nor a promise id like P12",
                field="item",
            ) from None
        kept = book.commitments.done(promise_id)
        data = {"key": f"promise:c{kept.id}", "state": "done", "promise": js.commitment_json(kept)}
        return answer(f"Kept P{kept.id}: {kept.text}", data)

    @tool("snooze", "Snooze an agenda item", CHANGE)
    def snooze(
        key: Annotated[str, Field(min_length=1, max_length=200, description="An agenda key.")],
        until: Annotated[date, Field(description="The day it comes back (YYYY-MM-DD).")],
    ) -> Annotated[CallToolResult, o.SnoozeOut]:
        """Hide an agenda item until a later day."""
        parsed = access().writable().agenda.snooze(key, until)
        data = {"key": parsed.key, "state": "snoozed", "until": until.isoformat()}
        return answer(f"Snoozed until {until.isoformat()}: {parsed.key}", data)


def card_text(card: Any) -> str:
    """A person's card as a few lines of text."""
    p = card.person
    head = p.name + (f", {p.title}" if p.title else "") + (f" at {p.org}" if p.org else "")
    out = [head]
    if p.emails:
        out.append("E-mail: " + ", ".join(p.emails))
    out += [f"- {f.kind}: {f.text}" for f in p.facts]
    out += [f"? {q.text}" for q in card.open_questions]
    out += [
        f"{i.occurred_at:%Y-%m-%d} {i.kind}: {i.subject or (i.notes or '')[:80]}"
        for i in card.recent
    ]
    return "\n".join(out)


def brief_text(found: Any) -> str:
    p = found.person
    out = [f"Brief for {p.name} ({found.today.isoformat()})"]
    if p.how_met or p.met_where:
        out.append(f"Met: {p.how_met or ''} {p.met_where or ''}".strip())
    out += [f"Promise: {c.text}" for c in found.promises_mine]
    out += [f"Interest: {f.text}" for f in found.interests]
    out += [f"Ask: {q.text}" for q in found.questions]
    out += [f"Last: {i.occurred_at:%Y-%m-%d} {i.kind}" for i in found.recent[:3]]
    return "\n".join(out)
