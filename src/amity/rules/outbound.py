"""What reaches the user outside Amity, decided purely: which agenda items become notifications
today, quiet hours, retry back-off, and how channel and webhook addresses are judged and masked.

No I/O and no clock: the day, the local time and the number of attempts are parameters.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta

from amity.model.types import Action
from amity.rules.words import counted

MAX_URL = 2000
# Apprise schemes that act on the server itself (files, commands, its desktop, its syslog):
# refused whatever follows them
LOCAL_SCHEMES = frozenset(
    {
        "file",
        "script",
        "cmd",
        "exec",
        "shell",
        "python",
        "syslog",
        "dbus",
        "kde",
        "qt",
        "glib",
        "gnome",
        "macosx",
        "windows",
        "growl",
    }
)
NOTIFY_RETRIES = 5  # attempts for one notification before it is given up
WEBHOOK_RETRIES = 8  # attempts for one webhook delivery
WEBHOOK_DISABLE_AFTER = 10  # failed attempts in a row that disable a subscription


@dataclass(frozen=True)
class Alert:
    """One notification to send: once per channel, ``key`` and ``day``."""

    key: str
    day: date
    kind: str  # digest, promise, date, reply, follow_up
    title: str
    body: str


@dataclass(frozen=True)
class AlertPrefs:
    """The user's ``notify.*`` settings."""

    digest: bool = True
    promises: bool = True
    dates: bool = True
    replies: bool = True
    reply_after_days: int = 3
    follow_ups: bool = True
    quiet_start: time | None = time(22, 0)
    quiet_end: time | None = time(7, 0)

    @classmethod
    def from_settings(cls, values: Mapping[str, object]) -> AlertPrefs:
        def flag(key: str, default: bool) -> bool:
            value = values.get(key, default)
            return value if isinstance(value, bool) else default

        days = values.get("notify.reply_after_days", 3)
        return cls(
            digest=flag("notify.digest", True),
            promises=flag("notify.promises", True),
            dates=flag("notify.dates", True),
            replies=flag("notify.replies", True),
            reply_after_days=days if isinstance(days, int) and days >= 0 else 3,
            follow_ups=flag("notify.follow_ups", True),
            quiet_start=parse_clock(str(values.get("notify.quiet_start") or "")),
            quiet_end=parse_clock(str(values.get("notify.quiet_end") or "")),
        )


def parse_clock(text: str) -> time | None:
    """``07:30`` as a time; None for an empty or malformed value."""
    hours, sep, minutes = text.strip().partition(":")
    if not sep or not hours.isdigit() or not minutes.isdigit():
        return None
    h, m = int(hours), int(minutes)
    return time(h, m) if 0 <= h < 24 and 0 <= m < 60 else None


def in_quiet_hours(local: time, start: time | None, end: time | None) -> bool:
    """Whether ``local`` (the user's wall-clock time) falls in quiet hours; they may span
    midnight (22:00-07:00). No start or end, or start == end: never quiet."""
    if start is None or end is None or start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end


def person_names(action: Action) -> str:
    return ", ".join(p.name for p in action.people) or "someone"


def alerts_for(actions: Sequence[Action], today: date, prefs: AlertPrefs) -> list[Alert]:
    """The agenda items that become notifications on ``today``: promises of yours due today,
    dates on the day, explicit and new-contact follow-ups due today, and replies that have
    waited ``reply_after_days`` or more (sent once, on the day they crossed it)."""
    out: list[Alert] = []
    for a in actions:
        alert = _alert_for(a, today, prefs)
        if alert is not None:
            out.append(alert)
    return out


def _alert_for(a: Action, today: date, prefs: AlertPrefs) -> Alert | None:
    who = person_names(a)
    if a.kind == "promise_mine" and prefs.promises and a.due == today:
        return Alert(a.key, today, "promise", f"Promise due today: {who}", a.reason)
    if a.kind == "date" and prefs.dates and a.due == today:
        return Alert(a.key, today, "date", f"Today: {who}", a.reason)
    if a.kind in ("follow_up", "event_follow_up") and prefs.follow_ups and a.due == today:
        return Alert(a.key, today, "follow_up", f"Follow up with {who}", a.reason)
    if a.kind == "reply" and prefs.replies:
        crossed = a.due + timedelta(days=prefs.reply_after_days)
        if crossed <= today:
            days = (today - a.due).days
            title = f"{who} has waited {counted(days, 'day')} for your reply"
            return Alert(a.key, crossed, "reply", title, a.reason)
    return None


def retry_delay(attempts: int, *, first: timedelta, cap: timedelta) -> timedelta:
    """Exponential back-off: ``first`` after the first failure, doubling, at most ``cap``."""
    exponent = max(0, min(attempts - 1, 30))
    delay: timedelta = first * (2**exponent)
    return min(delay, cap)


def notify_retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, 8 minutes... after a notification failed ``attempts`` times."""
    return retry_delay(attempts, first=timedelta(minutes=1), cap=timedelta(hours=1))


def webhook_retry_delay(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min... at most 6 hours, after ``attempts`` failed deliveries."""
    return retry_delay(attempts, first=timedelta(seconds=30), cap=timedelta(hours=6))


def url_scheme(url: str) -> str:
    scheme, sep, _ = url.strip().partition("://")
    return scheme.lower() if sep else ""


def channel_url_problem(url: str) -> str | None:
    """Why an Apprise URL is refused before anything else looks at it, or None."""
    text = url.strip()
    if not text:
        return "a channel needs an Apprise URL such as ntfy://ntfy.sh/my-topic"
    if len(text) > MAX_URL:
        return f"the URL is longer than {MAX_URL} characters"
    if any(c in text for c in "\x00\r\n\t "):
        return "the URL cannot contain spaces or control characters"
    scheme = url_scheme(text)
    if not scheme or not scheme.replace("+", "").replace("-", "").isalnum():
        return "the URL must start with a service, such as ntfy://, tgram:// or mailto://"
    if scheme in LOCAL_SCHEMES:
        return f"{scheme}:// acts on the server itself (files, commands or its desktop): refused"
    return None


def mask_url(url: str) -> str:
    """A URL safe to show: the scheme and the host (and port) only; paths, users, passwords,
    tokens and query strings are replaced by ``***``."""
    text = url.strip()
    scheme = url_scheme(text) or "?"
    rest = text.partition("://")[2]
    cut = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
    authority, tail = rest[:cut], rest[cut:]
    host = authority.rsplit(":", 1)[0] if not authority.endswith("]") else authority
    if not authority or "@" in authority or not _looks_like_host(host.strip("[]").lower()):
        return f"{scheme}://***"
    hidden = bool(tail.strip("/"))
    return f"{scheme}://{authority.lower()}" + ("/***" if hidden else "")


def _looks_like_host(host: str) -> bool:
    """A name with a dot, an IP address or localhost: not a token in the host's place."""
    return "." in host or ":" in host or host == "localhost"
