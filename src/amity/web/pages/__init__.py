"""HTML pages: one module per page, all collected on one router."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from amity.web.pages import (
    auth,
    autocomplete,
    backups,
    calendar_connections,
    capture,
    connections,
    growth,
    history,
    lists,
    mail,
    merge,
    network,
    organisations,
    outbound,
    passkeys,
    people,
    person,
    phone,
    records,
    reset,
    review,
    second_factor,
    security,
    settings,
    sso,
    today,
    transfer,
)
from amity.web.pages.common import bounded_input

router = APIRouter(include_in_schema=False)
for module in (
    auth,
    today,
    merge,  # issue 12 §5: before people, whose /people/{id} would take /people/merge
    people,
    person,
    capture,
    lists,
    transfer,
    settings,
    network,
    growth,
    review,
    outbound,  # issue 13: notifications and webhooks in Settings
    connections,  # issue 10
    mail,  # issue 11: Settings → Mail, People you write to
    backups,  # issue 15: Settings → Backups
    security,  # issue 15: Settings → Security
    reset,  # issue 12: forgotten password
    calendar_connections,  # issue 11
    phone,  # issue 12: manifest, service worker, offline page, More
    second_factor,
    passkeys,
    sso,  # issue 15: single sign-on
    records,  # issue 12: edit and delete any record
    organisations,  # issue 12 §4: organisations
    autocomplete,  # issue 12: fields that name a person
    history,  # issue 15: history, undo, trash
):  # issue 6: brief, prepare, events, network...
    router.include_router(module.router, dependencies=[Depends(bounded_input)])
