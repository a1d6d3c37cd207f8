"""Issue 6 in the REST API: the brief and prepare, events and communities, relationships,
introductions, warm paths, the give/receive ledger, coverage targets, articles and shares,
feedback and requests, goals and check-ins, and the review.

Each route calls one Book method and returns `amity.serialize` dicts; ids in paths and bodies
that are not the user's are 404 (the Book resolves every reference within its owner).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Response, status

from amity import serialize as j
from amity.book import Book
from amity.web.api import errors as e
from amity.web.api.network_schemas import (
    ArticleCreate,
    ArticleOut,
    ArticleSummaryOut,
    AttendanceCreate,
    BalanceOut,
    BriefOut,
    CheckInCreate,
    CheckInOut,
    CoverageCreate,
    CoverageOut,
    Day,
    EventCreate,
    EventDetailOut,
    EventOut,
    EventSummaryOut,
    ExchangeCreate,
    ExchangeOut,
    FeedbackCreate,
    FeedbackOut,
    FeedbackRequestCreate,
    FeedbackRequestOut,
    GoalCreate,
    GoalOut,
    GoalStatusBody,
    IntroductionCreate,
    IntroductionOut,
    MatchOut,
    OutcomeBody,
    ParticipationCreate,
    PathResultOut,
    PrepareOut,
    RelationshipCreate,
    RelationshipOut,
    ReviewOut,
    ShareCreate,
    ShareOut,
    ShareResultOut,
    ThemeOut,
)
from amity.web.api.schemas import MAX_ID, Str100, Str300
from amity.web.deps import get_book

router = APIRouter()
BookDep = Annotated[Book, Depends(get_book)]


PersonId = Annotated[int, Path(ge=1, le=MAX_ID, description="The person's id")]
EventId = Annotated[int, Path(ge=1, le=MAX_ID, description="The event's id")]
IntroId = Annotated[int, Path(ge=1, le=MAX_ID, description="The introduction's id")]
TargetId = Annotated[int, Path(ge=1, le=MAX_ID, description="The coverage target's id")]
ArticleId = Annotated[int, Path(ge=1, le=MAX_ID, description="The article's id")]
RequestId = Annotated[int, Path(ge=1, le=MAX_ID, description="The feedback request's id")]
GoalId = Annotated[int, Path(ge=1, le=MAX_ID, description="The goal's id")]
PersonFilter = Annotated[int | None, Query(ge=1, le=MAX_ID, description="Only this person's")]
DayQuery = Annotated[Day | None, Query(alias="date", description="Default: today")]
ACTED = {**e.R401, **e.R403, **e.R404, **e.R422}
CREATED = status.HTTP_201_CREATED


# --- brief and prepare ------------------------------------------------------------------------


@router.get(
    "/people/{person_id}/brief",
    response_model=BriefOut,
    responses=e.READ_ONE,
    tags=["brief"],
    summary="Everything to read before meeting someone",
)
def brief(book: BookDep, person_id: PersonId, day: DayQuery = None) -> dict[str, Any]:
    return j.brief_json(book.briefs.brief(person_id, today=day))


@router.get(
    "/prepare",
    response_model=PrepareOut,
    responses=e.READ,
    tags=["brief"],
    summary="Briefs for everyone in a day's planned meetings",
)
def prepare(book: BookDep, day: DayQuery = None) -> dict[str, Any]:
    when = day or book.today()
    return {"date": when, "meetings": [j.meeting_json(m) for m in book.briefs.prepare(when)]}


# --- events and communities -------------------------------------------------------------------


@router.get(
    "/events",
    response_model=list[EventSummaryOut],
    responses=e.READ,
    tags=["events"],
    summary="Events and communities, newest first, with how many people you met",
)
def list_events(book: BookDep) -> list[dict[str, Any]]:
    return [j.event_summary_json(x) for x in book.network.events.list()]


@router.post(
    "/events",
    response_model=EventOut,
    status_code=CREATED,
    responses=e.WRITE,
    tags=["events"],
    summary="Add an event or a community",
)
def add_event(book: BookDep, body: EventCreate, response: Response) -> dict[str, Any]:
    event = book.network.events.add(
        body.name,
        body.kind,
        starts_on=body.starts_on,
        ends_on=body.ends_on,
        location=body.location,
        url=body.url,
        notes=body.notes,
    )
    response.headers["Location"] = f"/api/v1/events/{event.id}"
    return j.event_json(event)


@router.get(
    "/events/{event_id}",
    response_model=EventDetailOut,
    responses=e.READ_ONE,
    tags=["events"],
    summary="An event: whom you met there, whom you followed up with",
)
def show_event(book: BookDep, event_id: EventId) -> dict[str, Any]:
    return j.event_detail_json(book.network.events.get(event_id))


@router.post(
    "/events/{event_id}/attendance",
    response_model=EventDetailOut,
    responses=e.WRITE_ONE,
    tags=["events"],
    summary="Record whom you met at the event (a first meeting sets how you met)",
)
def add_attendance(book: BookDep, event_id: EventId, body: AttendanceCreate) -> dict[str, Any]:
    book.network.events.met(
        body.people, event_id, note=body.note, role=body.role, first_met=body.first_met
    )
    return j.event_detail_json(book.network.events.get(event_id))


@router.post(
    "/events/{event_id}/participation",
    response_model=EventDetailOut,
    responses=e.WRITE_ONE,
    tags=["events"],
    summary="Log your own participation (an interaction linked to the event)",
)
def log_participation(
    book: BookDep, event_id: EventId, body: ParticipationCreate
) -> dict[str, Any]:
    book.network.events.log_participation(event_id, body.text, on=body.on)
    return j.event_detail_json(book.network.events.get(event_id))


# --- relationships and introductions ----------------------------------------------------------


@router.get(
    "/relationships",
    response_model=list[RelationshipOut],
    responses=e.READ_ONE,
    tags=["network"],
    summary="How people in your book are related",
)
def list_relationships(book: BookDep, person: PersonFilter = None) -> list[dict[str, Any]]:
    return [j.relationship_json(r) for r in book.network.relationships.list(person)]


@router.post(
    "/relationships",
    response_model=RelationshipOut,
    status_code=CREATED,
    responses=e.WRITE_ONE,
    tags=["network"],
    summary="Relate two people",
)
def relate(book: BookDep, body: RelationshipCreate) -> dict[str, Any]:
    return j.relationship_json(
        book.network.relationships.relate(body.a, body.b, body.kind, note=body.note)
    )


@router.get(
    "/introductions",
    response_model=list[IntroductionOut],
    responses=e.READ_ONE,
    tags=["network"],
    summary="Who introduced whom, newest first",
)
def list_introductions(book: BookDep, person: PersonFilter = None) -> list[dict[str, Any]]:
    return [j.introduction_json(i) for i in book.network.introductions.list(person)]


@router.post(
    "/introductions",
    response_model=IntroductionOut,
    status_code=CREATED,
    responses=e.WRITE_ONE,
    tags=["network"],
    summary="Record an introduction (by someone, or by you: then it is a given intro)",
)
def introduce(book: BookDep, body: IntroductionCreate) -> dict[str, Any]:
    made = book.network.introductions.add(body.a, body.b, by=body.by, note=body.note, on=body.on)
    return j.introduction_json(made)


@router.post(
    "/introductions/{intro_id}/outcome",
    response_model=IntroductionOut,
    responses={**ACTED, **e.R400},
    tags=["network"],
    summary="What came of an introduction",
)
def intro_outcome(book: BookDep, intro_id: IntroId, body: OutcomeBody) -> dict[str, Any]:
    return j.introduction_json(book.network.introductions.set_outcome(intro_id, body.outcome))


@router.get(
    "/paths",
    response_model=PathResultOut,
    responses=e.READ_ONE,
    tags=["network"],
    summary="Warm paths: who could introduce you to a person, organisation or tag",
)
def warm_paths(
    book: BookDep,
    target: Annotated[
        Str300,
        Query(
            min_length=1,
            description=(
                "A person (id or name), an organisation or a tag; prefix person:, org: or "
                "tag: when a word could be several"
            ),
        ),
    ],
    limit: Annotated[int, Query(ge=1, le=20)] = 5,
    max_hops: Annotated[int, Query(ge=1, le=4)] = 3,
) -> dict[str, Any]:
    return j.path_result_json(book.network.paths.find(target, limit=limit, max_hops=max_hops))


# --- the give/receive ledger and coverage -----------------------------------------------------


@router.post(
    "/exchanges",
    response_model=ExchangeOut,
    status_code=CREATED,
    responses=e.WRITE_ONE,
    tags=["ledger"],
    summary="Something you gave to or received from someone",
)
def add_exchange(book: BookDep, body: ExchangeCreate) -> dict[str, Any]:
    made = book.network.ledger.record(body.person, body.direction, body.kind, body.text, on=body.on)
    return j.exchange_json(made)


@router.get(
    "/exchanges",
    response_model=list[ExchangeOut],
    responses=e.READ_ONE,
    tags=["ledger"],
    summary="The ledger, newest first",
)
def list_exchanges(
    book: BookDep,
    person: PersonFilter = None,
    since: Annotated[Day | None, Query()] = None,
    until: Annotated[Day | None, Query()] = None,
) -> list[dict[str, Any]]:
    return [
        j.exchange_json(x) for x in book.network.ledger.exchanges(person, since=since, until=until)
    ]


@router.get(
    "/balance",
    response_model=list[BalanceOut],
    responses=e.READ_ONE,
    tags=["ledger"],
    summary="Given and received per person, most one-sided first",
)
def balance(book: BookDep, person: PersonFilter = None) -> list[dict[str, Any]]:
    return [j.balance_json(b) for b in book.network.ledger.balance(person)]


@router.get(
    "/coverage",
    response_model=list[CoverageOut],
    responses=e.READ,
    tags=["coverage"],
    summary="Each coverage target against your network",
)
def coverage(book: BookDep) -> list[dict[str, Any]]:
    return [j.coverage_json(c) for c in book.network.coverage.list()]


@router.post(
    "/coverage",
    response_model=CoverageOut,
    status_code=CREATED,
    responses=e.WRITE,
    tags=["coverage"],
    summary="A target: N people with a tag, at an organisation or role",
)
def add_coverage(book: BookDep, body: CoverageCreate) -> dict[str, Any]:
    made = book.network.coverage.add(body.name, body.selector_kind, body.selector, body.wanted)
    return next(
        (j.coverage_json(c) for c in book.network.coverage.list() if c.id == made.id),
        j.coverage_json(made),
    )


@router.delete(
    "/coverage/{target_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=ACTED,
    tags=["coverage"],
    summary="Remove a coverage target",
)
def remove_coverage(book: BookDep, target_id: TargetId) -> Response:
    book.network.coverage.remove(target_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# --- articles ---------------------------------------------------------------------------------


@router.get(
    "/articles",
    response_model=list[ArticleSummaryOut],
    responses=e.READ,
    tags=["articles"],
    summary="The articles library, newest first",
)
def list_articles(book: BookDep) -> list[dict[str, Any]]:
    return [
        {**j.article_json(x.article), "shared_with": x.shared_with} for x in book.articles.list()
    ]


@router.post(
    "/articles",
    response_model=ArticleOut,
    status_code=CREATED,
    responses={**e.WRITE, **e.R409},
    tags=["articles"],
    summary="Add an article (no network access: give its text)",
)
def add_article(book: BookDep, body: ArticleCreate, response: Response) -> dict[str, Any]:
    made = book.articles.add(body.url, title=body.title, text=body.text, topics=body.topics)
    response.headers["Location"] = f"/api/v1/articles/{made.id}"
    return j.article_json(made, text=True)


@router.get(
    "/articles/{article_id}",
    response_model=ArticleOut,
    responses=e.READ_ONE,
    tags=["articles"],
    summary="One article with its text",
)
def get_article(book: BookDep, article_id: ArticleId) -> dict[str, Any]:
    return j.article_json(book.articles.get(article_id), text=True)


@router.get(
    "/articles/{article_id}/suggestions",
    response_model=list[MatchOut],
    responses=e.READ_ONE,
    tags=["articles"],
    summary="People who may care about the article (those who have it are skipped)",
)
def share_suggestions(
    book: BookDep,
    article_id: ArticleId,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
    ranker: Literal["lexical", "semantic"] = "lexical",
) -> list[dict[str, Any]]:
    return [j.match_json(m) for m in book.articles.suggest(article_id, limit=limit, ranker=ranker)]


@router.post(
    "/articles/{article_id}/shares",
    response_model=ShareResultOut,
    status_code=CREATED,
    responses=e.WRITE_ONE,
    tags=["articles"],
    summary="Share the article: an outbound interaction and a given exchange each",
)
def share(book: BookDep, article_id: ArticleId, body: ShareCreate) -> dict[str, Any]:
    result = book.articles.share(article_id, body.people, note=body.note, channel=body.channel)
    return j.share_result_json(result)


@router.get(
    "/articles/{article_id}/shares",
    response_model=list[ShareOut],
    responses=e.READ_ONE,
    tags=["articles"],
    summary="Whom you shared the article with",
)
def article_shares(book: BookDep, article_id: ArticleId) -> list[dict[str, Any]]:
    return [
        {"person": j.ref_json(ref), "shared_at": j.iso(at)}
        for ref, at in book.articles.shares(article_id)
    ]


# --- feedback and goals -----------------------------------------------------------------------


@router.get(
    "/feedback",
    response_model=list[FeedbackOut],
    responses=e.READ_ONE,
    tags=["feedback"],
    summary="Feedback received, newest first",
)
def list_feedback(
    book: BookDep,
    theme: Annotated[Str100 | None, Query()] = None,
    since: Annotated[Day | None, Query()] = None,
    until: Annotated[Day | None, Query()] = None,
    person: PersonFilter = None,
) -> list[dict[str, Any]]:
    found = book.feedback.list(theme=theme, since=since, until=until, person=person)
    return [j.feedback_json(f) for f in found]


@router.post(
    "/feedback",
    response_model=FeedbackOut,
    status_code=CREATED,
    responses=e.WRITE_ONE,
    tags=["feedback"],
    summary="Log feedback (from someone with an open request, it answers it)",
)
def add_feedback(book: BookDep, body: FeedbackCreate) -> dict[str, Any]:
    made = book.feedback.add(
        body.text,
        kind=body.kind,
        person=body.person,
        context=body.context,
        themes=body.themes,
        on=body.on,
    )
    return j.feedback_json(made)


@router.get(
    "/feedback/themes",
    response_model=list[ThemeOut],
    responses=e.READ,
    tags=["feedback"],
    summary="Themes across feedback: counts, trend, linked goals",
)
def feedback_themes(book: BookDep) -> list[dict[str, Any]]:
    return book.feedback.themes()


@router.get(
    "/feedback/requests",
    response_model=list[FeedbackRequestOut],
    responses=e.READ,
    tags=["feedback"],
    summary="Feedback requests",
)
def list_requests(
    book: BookDep,
    state: Annotated[Literal["open", "received", "dropped", "all"], Query(alias="status")] = "open",
) -> list[dict[str, Any]]:
    found = book.feedback.requests(status=None if state == "all" else state)
    return [j.feedback_request_json(r) for r in found]


@router.post(
    "/feedback/requests",
    response_model=FeedbackRequestOut,
    status_code=CREATED,
    responses=e.WRITE_ONE,
    tags=["feedback"],
    summary="Ask someone for feedback (the agenda reminds you, then follows up)",
)
def ask_for_feedback(book: BookDep, body: FeedbackRequestCreate) -> dict[str, Any]:
    made = book.feedback.ask(body.person, body.about, by=body.by, asked=body.asked)
    return j.feedback_request_json(made)


@router.post(
    "/feedback/requests/{request_id}/asked",
    response_model=FeedbackRequestOut,
    responses=ACTED,
    tags=["feedback"],
    summary="You asked: now wait for the answer",
)
def request_asked(book: BookDep, request_id: RequestId) -> dict[str, Any]:
    return j.feedback_request_json(book.feedback.mark_requested(request_id))


@router.post(
    "/feedback/requests/{request_id}/drop",
    response_model=FeedbackRequestOut,
    responses=ACTED,
    tags=["feedback"],
    summary="Drop a feedback request",
)
def drop_request(book: BookDep, request_id: RequestId) -> dict[str, Any]:
    return j.feedback_request_json(book.feedback.drop_request(request_id))


@router.get(
    "/goals",
    response_model=list[GoalOut],
    responses=e.READ,
    tags=["goals"],
    summary="Goals with their progress and next check-in",
)
def list_goals(book: BookDep, include_closed: bool = False) -> list[dict[str, Any]]:
    return [j.goal_status_json(g) for g in book.feedback.goals(include_closed=include_closed)]


@router.post(
    "/goals",
    response_model=GoalOut,
    status_code=CREATED,
    responses=e.WRITE,
    tags=["goals"],
    summary="An improvement goal, optionally with check-ins",
)
def add_goal(book: BookDep, body: GoalCreate) -> dict[str, Any]:
    made = book.feedback.add_goal(
        body.title, theme=body.theme, check_in=body.check_in, until=body.until
    )
    return goal_status(book, made.id or 0)


@router.post(
    "/goals/{goal_id}/check-ins",
    response_model=CheckInOut,
    status_code=CREATED,
    responses=e.WRITE_ONE,
    tags=["goals"],
    summary="Record progress 0-100 (100 marks the goal done)",
)
def check_in(book: BookDep, goal_id: GoalId, body: CheckInCreate) -> dict[str, Any]:
    return j.check_in_json(book.feedback.check_in(goal_id, body.progress, body.note, on=body.on))


@router.post(
    "/goals/{goal_id}/status",
    response_model=GoalOut,
    responses={**ACTED, **e.R400},
    tags=["goals"],
    summary="Mark a goal done, dropped or active again",
)
def set_goal_status(book: BookDep, goal_id: GoalId, body: GoalStatusBody) -> dict[str, Any]:
    book.feedback.set_goal_status(goal_id, body.status)
    return goal_status(book, goal_id)


def goal_status(book: Book, goal_id: int) -> dict[str, Any]:
    found = [g for g in book.feedback.goals(include_closed=True) if g.goal.id == goal_id]
    return j.goal_status_json(found[0])


# --- the review -------------------------------------------------------------------------------


@router.get(
    "/review",
    response_model=ReviewOut,
    responses=e.READ,
    tags=["review"],
    summary="The weekly or monthly review against the period before",
)
def review(
    book: BookDep, period: Literal["week", "month"] = "week", day: DayQuery = None
) -> dict[str, Any]:
    when: date | None = day
    return j.review_json(book.reviews.review(period, today=when))
