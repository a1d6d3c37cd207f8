"""Accounts: the installation's rows that belong to no one book (a user *owns* a book).

This package is the second door to data beside the Book: the only code outside book/ and
store/ that touches tables. The web app and the CLI call it and never the schema. Every
function takes the engine and the current time explicitly.

- :mod:`~amity.accounts.users`: users, passwords, invitations, the calendar feed's secret
- :mod:`~amity.accounts.tokens`: API tokens and CardDAV app passwords
- :mod:`~amity.accounts.throttle`: sign-in attempts with growing delays
- :mod:`~amity.accounts.sessions`: server-side sessions, known devices
"""

from __future__ import annotations

from amity.accounts.sessions import (
    SessionInfo,
    known_device,
    list_sessions,
    remember_device,
    revoke_session,
    revoke_session_by_id,
    revoke_sessions,
    session_user,
    start_session,
)
from amity.accounts.throttle import Attempt, attempt_keys, folded_address
from amity.accounts.throttle import record as record_attempt
from amity.accounts.throttle import wait_seconds as signin_wait
from amity.accounts.tokens import (
    ALL_SCOPES,
    API_TOKEN_PREFIX,
    APP_PASSWORD_SCOPE,
    SCOPE_LABELS,
    TOKEN_SCOPES,
    TokenGrant,
    api_token_grant,
    create_api_token,
    list_api_tokens,
    owner_of_api_token,
    owner_of_app_password,
    revoke_all_api_tokens,
    revoke_api_token,
)
from amity.accounts.users import (
    INVITATION_DAYS,
    MAX_NAME,
    User,
    accept_invitation,
    calendar_token,
    canonical_email,
    clean_name,
    create_invitation,
    create_owner,
    end_all_sessions,
    has_owner,
    list_invitations,
    list_users,
    login_candidate,
    open_invitation,
    owner_of_calendar_token,
    owners_with_digest,
    set_password,
    user_by_id,
    withdraw_invitation,
)

__all__ = [
    "ALL_SCOPES",
    "API_TOKEN_PREFIX",
    "APP_PASSWORD_SCOPE",
    "INVITATION_DAYS",
    "MAX_NAME",
    "SCOPE_LABELS",
    "TOKEN_SCOPES",
    "Attempt",
    "SessionInfo",
    "TokenGrant",
    "User",
    "accept_invitation",
    "api_token_grant",
    "attempt_keys",
    "calendar_token",
    "canonical_email",
    "clean_name",
    "create_api_token",
    "create_invitation",
    "create_owner",
    "end_all_sessions",
    "folded_address",
    "has_owner",
    "known_device",
    "list_api_tokens",
    "list_invitations",
    "list_sessions",
    "list_users",
    "login_candidate",
    "open_invitation",
    "owner_of_api_token",
    "owner_of_app_password",
    "owner_of_calendar_token",
    "owners_with_digest",
    "record_attempt",
    "remember_device",
    "revoke_all_api_tokens",
    "revoke_api_token",
    "revoke_session",
    "revoke_session_by_id",
    "revoke_sessions",
    "session_user",
    "set_password",
    "signin_wait",
    "start_session",
    "user_by_id",
    "withdraw_invitation",
]
