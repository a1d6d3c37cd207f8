"""`amity notify` (channels through Apprise) and `amity webhook` (signed webhooks)."""

from __future__ import annotations

from typing import Any

import click

from amity.cli.options import emit_json, json_option, pass_state
from amity.cli.state import AppState

# --- notify ---------------------------------------------------------------------------------


@click.group()
def notify() -> None:
    """Notifications on any channel (ntfy, Telegram, Matrix, Slack, e-mail... via Apprise).

    What is sent (the digest, promises due today, dates on the day, replies waiting
    notify.reply_after_days, follow-ups due) and the quiet hours are settings:
    `amity config set notify.quiet_start 22:00`. The web server sends them; `amity notify
    run` sends what is due now (for cron).
    """


@notify.command("add")
@click.argument("url")
@click.option("--name", help="A name for the channel (default: the service and host).")
@json_option
@pass_state
def notify_add(state: AppState, url: str, name: str | None, as_json: bool) -> None:
    """Add a channel: an Apprise URL such as ntfy://ntfy.sh/my-topic (stored encrypted)."""
    from amity.notify.channels import check_channel_url
    from amity.serialize import channel_json

    check_channel_url(url)
    channel = state.book().notifications.add_channel(url, name=name)
    _say(as_json, channel_json(channel), f"Added channel {channel.id}: {channel.name}")


@notify.command("list")
@json_option
@pass_state
def notify_list(state: AppState, as_json: bool) -> None:
    """List channels (addresses masked) with their last delivery."""
    from amity.serialize import channel_json

    channels = state.book().notifications.channels()
    if as_json:
        emit_json([channel_json(c) for c in channels])
        return
    if not channels:
        click.echo("No channels yet: amity notify add ntfy://ntfy.sh/your-topic")
    for c in channels:
        last = c.last_status or "never used"
        flag = f"  FAILING: {c.last_error}" if c.failing else ""
        click.echo(f"{c.id:>4}  {c.name:<24} {c.masked:<40} {last}{flag}")


@notify.command("test")
@click.argument("channel")
@json_option
@pass_state
def notify_test(state: AppState, channel: str, as_json: bool) -> None:
    """Send a test notification through CHANNEL (id or name) now."""
    from amity.notify.channels import send
    from amity.serialize import notify_delivery_json

    delivery = state.book().notifications.send_test(channel, send)
    if as_json:
        emit_json(notify_delivery_json(delivery))
    elif delivery.status == "sent":
        click.echo(f"Sent through {delivery.channel}.")
    else:
        click.echo(f"Failed: {delivery.error}", err=True)
    if delivery.status != "sent":
        raise SystemExit(1)


@notify.command("remove")
@click.argument("channel")
@pass_state
def notify_remove(state: AppState, channel: str) -> None:
    """Remove CHANNEL (id or name) and its delivery log."""
    gone = state.book().notifications.remove_channel(channel)
    click.echo(f"Removed channel {gone.id}: {gone.name}")


@notify.command("log")
@click.option("--channel", help="Only this channel (id or name).")
@click.option("--limit", type=click.IntRange(1, 1000), default=30, show_default=True)
@json_option
@pass_state
def notify_log(state: AppState, channel: str | None, limit: int, as_json: bool) -> None:
    """What was sent, newest first: sent, pending (with the next try) or failed (why)."""
    from amity.serialize import notify_delivery_json

    rows = state.book().notifications.deliveries(limit=limit, channel=channel)
    if as_json:
        emit_json([notify_delivery_json(d) for d in rows])
        return
    for d in rows:
        extra = f"  ({d.error})" if d.error else ""
        click.echo(f"{d.created_at:%Y-%m-%d %H:%M}  {d.channel:<16} {d.status:<8} {d.title}{extra}")


@notify.command("run")
@json_option
@pass_state
def notify_run(state: AppState, as_json: bool) -> None:
    """Queue today's notifications and send what is due now (what the server does)."""
    from amity.notify.alerts import run_notifications
    from amity.serialize import notify_delivery_json

    outcome = run_notifications(state.book())
    if as_json:
        emit_json(
            {
                "quiet": outcome.quiet,
                "queued": outcome.queued,
                "deliveries": [notify_delivery_json(d) for d in outcome.deliveries],
            }
        )
        return
    if outcome.quiet:
        click.echo("Quiet hours: nothing sent.")
        return
    sent = sum(1 for d in outcome.deliveries if d.status == "sent")
    click.echo(f"Queued {outcome.queued}, sent {sent} of {len(outcome.deliveries)}.")


# --- webhook --------------------------------------------------------------------------------


@click.group()
def webhook() -> None:
    """Signed webhooks (Standard Webhooks) for person.created, person.updated,
    interaction.logged, promise.created, promise.kept and agenda.item.done."""


@webhook.command("add")
@click.argument("url")
@click.option(
    "--events",
    default="all",
    show_default=True,
    help="Comma-separated event types, or all.",
)
@json_option
@pass_state
def webhook_add(state: AppState, url: str, events: str, as_json: bool) -> None:
    """Subscribe URL (http or https) to EVENTS; prints the signing secret once."""
    from amity.serialize import subscription_json

    sub, secret = state.book().webhooks.subscribe(url, events)
    if as_json:
        emit_json({**subscription_json(sub), "secret": secret})
        return
    click.echo(f"Webhook {sub.id}: {sub.url} for {', '.join(sub.events)}")
    click.echo(f"Signing secret (shown once; verify webhook-signature with it): {secret}")


@webhook.command("list")
@json_option
@pass_state
def webhook_list(state: AppState, as_json: bool) -> None:
    """List subscriptions; a disabled one says why."""
    from amity.serialize import subscription_json

    subs = state.book().webhooks.subscriptions()
    if as_json:
        emit_json([subscription_json(w) for w in subs])
        return
    if not subs:
        click.echo("No webhooks yet: amity webhook add https://example.org/hook --events all")
    for w in subs:
        status = "on" if w.enabled else f"DISABLED: {w.disabled_reason or 'off'}"
        click.echo(f"{w.id:>4}  {w.url}  [{', '.join(w.events)}]  {status}")


@webhook.command("remove")
@click.argument("webhook_id", type=int)
@pass_state
def webhook_remove(state: AppState, webhook_id: int) -> None:
    """Remove a subscription and its delivery log."""
    gone = state.book().webhooks.unsubscribe(webhook_id)
    click.echo(f"Removed webhook {gone.id}: {gone.url}")


@webhook.command("enable")
@click.argument("webhook_id", type=int)
@pass_state
def webhook_enable(state: AppState, webhook_id: int) -> None:
    """Turn a disabled subscription back on (its waiting deliveries are tried again)."""
    sub = state.book().webhooks.enable(webhook_id)
    click.echo(f"Webhook {sub.id} is on again.")


@webhook.command("log")
@click.option("--id", "webhook_id", type=int, help="Only this subscription.")
@click.option("--limit", type=click.IntRange(1, 1000), default=30, show_default=True)
@json_option
@pass_state
def webhook_log(state: AppState, webhook_id: int | None, limit: int, as_json: bool) -> None:
    """Deliveries, newest first, with status code, attempts and errors."""
    from amity.serialize import webhook_delivery_json

    rows = state.book().webhooks.deliveries(limit=limit, subscription=webhook_id)
    if as_json:
        emit_json([webhook_delivery_json(d) for d in rows])
        return
    for d in rows:
        code = d.status_code if d.status_code is not None else "-"
        extra = f"  ({d.error})" if d.error else ""
        click.echo(
            f"{d.created_at:%Y-%m-%d %H:%M}  #{d.subscription_id} {d.event_type:<18} "
            f"{d.status:<8} {code} x{d.attempts}{extra}"
        )


@webhook.command("run")
@pass_state
def webhook_run(state: AppState) -> None:
    """Send the deliveries that are due now (what the server does in the background)."""
    from amity.notify.webhooks import deliver_webhooks

    done = deliver_webhooks(state.book())
    sent = sum(1 for d in done if d.status == "sent")
    click.echo(f"Delivered {sent} of {len(done)}.")


def _say(as_json: bool, data: dict[str, Any], text: str) -> None:
    if as_json:
        emit_json(data)
    else:
        click.echo(text)
