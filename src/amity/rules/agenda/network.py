"""The network's items: ``give`` (someone gave you more than they received), ``share`` (a new
article they would like), ``goal_checkin`` and ``feedback_request`` (ask, then follow up)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING

from amity.rules.agenda.inputs import (
    FeedbackRequestInput,
    GiveInput,
    GoalInput,
    RecentArticle,
    ShareInputs,
    Someone,
)
from amity.rules.agenda.scoring import Candidate, Context, due_timing
from amity.rules.dates import plural
from amity.rules.text import one_line

if TYPE_CHECKING:
    from amity.rules.matching import ArticleQuery, Match

GIVE_MIN_SURPLUS = 2  # they gave at least this many more than they received...
GIVE_MIN_DAYS = 30  # ...and the oldest unreturned favour is at least this old
NEW_ARTICLE_DAYS = 14  # an article is "new" for the agenda this long after it was added
SHARE_ITEMS_PER_ARTICLE = 3
SHARE_RANKED = 20  # the best matches of an article looked at for strong ones
FEEDBACK_FOLLOW_UP_DAYS = 14  # a request without a date is followed up this long after asking


def unreturned_since(row: GiveInput) -> date | None:
    """The first thing they gave you after the last thing you gave them."""
    after = row.last_given
    return min((d for d in row.received_on if after is None or d > after), default=None)


def give_ideas(row: GiveInput) -> list[str]:
    """What you could offer: keep an open promise, help with a goal, something they like."""
    return [
        *(f"keep your promise: {one_line(text, 60)}" for text in row.promises),
        *(f"help with their goal {one_line(text, 60)}" for text in row.goals),
        *(f"something about {one_line(text, 60)}" for text in row.interests),
    ]


def gives(ctx: Context, rows: Sequence[GiveInput]) -> Iterable[Candidate]:
    for row in rows:
        surplus = row.received - row.given
        since = unreturned_since(row)
        if surplus < GIVE_MIN_SURPLUS or since is None:
            continue
        if (ctx.today - since).days < GIVE_MIN_DAYS:
            continue
        ideas = give_ideas(row)
        reason = (
            f"{row.person.name} has given you {row.received} and received {row.given} since {since}"
        )
        if ideas:
            reason += f"; an idea: {ideas[0]}"
        yield ctx.action(
            "give",
            f"give:p{row.person.id}:{max(row.received_on)}",
            [row.person],
            ctx.today,
            reason,
            timing=min(1.0 + (surplus - GIVE_MIN_SURPLUS) / 4, 2.0),
            details={"given": row.given, "received": row.received, "ideas": ideas},
        )


def goal_checkins(ctx: Context, rows: Sequence[GoalInput]) -> Iterable[Candidate]:
    for goal in rows:
        due = (goal.last_check_in or goal.started_on) + timedelta(days=goal.check_in_days)
        if due > ctx.today:
            continue
        progress = "no check-in yet" if goal.progress is None else f"last at {goal.progress}%"
        yield ctx.action(
            "goal_checkin",
            f"goal_checkin:g{goal.id}:{due}",
            [],
            due,
            f"check in on your goal “{one_line(goal.title, 60)}” ({progress})",
            timing=due_timing((ctx.today - due).days),
            details={"goal_id": goal.id, "progress": goal.progress},
        )


def feedback_requests(ctx: Context, rows: Sequence[FeedbackRequestInput]) -> Iterable[Candidate]:
    """Ask (from the day the request was written down), then follow up when nothing came by
    its date (or two weeks after asking)."""
    for request in rows:
        about = one_line(request.about, 60)
        name = request.person.name
        if request.asked_on is None:
            due = request.created_on
            key = f"feedback_request:ask:r{request.id}"
            reason = f"ask {name} for feedback on {about}"
            stage = "ask"
        else:
            due = request.by_date or request.asked_on + timedelta(days=FEEDBACK_FOLLOW_UP_DAYS)
            if due > ctx.today:
                continue
            waited = plural((ctx.today - request.asked_on).days, "day")
            key = f"feedback_request:follow_up:r{request.id}:{due}"
            reason = f"follow up with {name}: you asked for feedback on {about} {waited} ago"
            stage = "follow_up"
        yield ctx.action(
            "feedback_request",
            key,
            [request.person],
            due,
            reason,
            timing=due_timing((ctx.today - due).days),
            details={"request_id": request.id, "stage": stage},
        )


def article_query(article: RecentArticle) -> ArticleQuery:
    from amity.rules.matching import ArticleQuery

    return ArticleQuery(article.title or "", article.topics, article.text or "")


def strong_matches(inputs: ShareInputs) -> Sequence[tuple[RecentArticle, Sequence[Match]]]:
    """Per recent article, the best strong matches among people who do not have it: BM25 over
    the whole book (``inputs.count`` profiles) without those who have it; as the loader found
    them (``inputs.matches``) when it did."""
    if inputs.matches is not None:
        return inputs.matches
    if not inputs.articles:
        return []
    from amity.rules.matching import LexicalRanker, profile_length

    ranker = LexicalRanker()
    profiles = inputs.profiles
    chosen = []
    for article, hits in zip(inputs.articles, inputs.hits, strict=True):
        skip = inputs.had.get(article.id, frozenset())
        gone = [profiles[pid] for pid in sorted(skip) if pid in profiles]
        candidates = [profiles[pid] for pid in sorted(hits - skip) if pid in profiles]
        matches = ranker.rank_hits(
            article_query(article),
            candidates,
            count=inputs.count - len(gone),
            total_length=inputs.total_length - sum(profile_length(x) for x in gone),
            limit=SHARE_RANKED,
        )
        chosen.append((article, [m for m in matches if m.strong][:SHARE_ITEMS_PER_ARTICLE]))
    return chosen


def shares(ctx: Context, inputs: ShareInputs) -> Iterable[Candidate]:
    for article, matches in strong_matches(inputs):
        title = one_line(article.title or article.url, 60)
        for match in matches:
            ref = match.person
            person = inputs.people.get(ref.id) or Someone(ref.id, ref.name)
            yield ctx.action(
                "share",
                f"share:a{article.id}:p{ref.id}",
                [person],
                ctx.today,
                f"{ref.name} may like “{title}” ({match.reason()})",
                timing=1.0,
                details={
                    "article_id": article.id,
                    "url": article.url,
                    "topics": list(match.topics),
                    "match_score": match.score,
                },
            )
