"""Accounts: the installation's rows that belong to no one book (a user *owns* a book).

This package is the second door to data beside the Book: the only code outside book/ and
store/ that touches tables. The web app and the CLI call it and never the schema. Every
function takes the engine and the current time explicitly.

- :mod:`~amity.accounts.users`: users, passwords, invitations, the calendar feed's secret
- :mod:`~amity.accounts.tokens`: API tokens and CardDAV app passwords
- :mod:`~amity.accounts.throttle`: sign-in attempts with growing delays
- :mod:`~amity.accounts.sessions`: server-side sessions, known devices
- :mod:`~amity.accounts.second_factor`: TOTP, recovery codes, the policy requiring a factor
- :mod:`~amity.accounts.passkeys`: WebAuthn passkeys (second factor or password-less)
- :mod:`~amity.accounts.sso`: single sign-on identities (issuer, subject), proxy sign-in
"""

from __future__ import annotations

from amity.accounts.passkeys import authentication_options as passkey_authentication_options
from amity.accounts.passkeys import finish_authentication as finish_passkey_authentication
from amity.accounts.passkeys import finish_registration as finish_passkey_registration
from amity.accounts.passkeys import list_passkeys, remove_passkey
from amity.accounts.passkeys import registration_options as passkey_registration_options
from amity.accounts.second_factor import (
    SecondFactors,
    begin_totp,
    confirm_totp,
    disable_totp,
    new_recovery_codes,
    pending_totp_secret,
    provisioning_uri,
    qr_svg,
    require_second_factor,
    reset_second_factors,
    second_factor_required,
    second_factors,
    use_recovery_code,
    verify_totp,
)
from amity.accounts.sessions import (
    SessionInfo,
    known_device,
    list_sessions,
    mark_second_factor,
    remember_device,
    revoke_session,
    revoke_session_by_id,
    revoke_sessions,
    session_user,
    start_session,
)
from amity.accounts.sso import Identity, SignUpRefused, linked_user, proxy_user, sso_sign_in
from amity.accounts.sso import link as link_sso
from amity.accounts.sso import list_links as list_sso_links
from amity.accounts.sso import unlink as unlink_sso
from amity.accounts.throttle import Attempt, attempt_keys, folded_address, second_factor_keys
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
    "Identity",
    "SecondFactors",
    "SessionInfo",
    "SignUpRefused",
    "TokenGrant",
    "User",
    "accept_invitation",
    "api_token_grant",
    "attempt_keys",
    "begin_totp",
    "calendar_token",
    "canonical_email",
    "clean_name",
    "confirm_totp",
    "create_api_token",
    "create_invitation",
    "create_owner",
    "disable_totp",
    "end_all_sessions",
    "finish_passkey_authentication",
    "finish_passkey_registration",
    "folded_address",
    "has_owner",
    "known_device",
    "link_sso",
    "linked_user",
    "list_api_tokens",
    "list_invitations",
    "list_passkeys",
    "list_sessions",
    "list_sso_links",
    "list_users",
    "login_candidate",
    "mark_second_factor",
    "new_recovery_codes",
    "open_invitation",
    "owner_of_api_token",
    "owner_of_app_password",
    "owner_of_calendar_token",
    "owners_with_digest",
    "passkey_authentication_options",
    "passkey_registration_options",
    "pending_totp_secret",
    "provisioning_uri",
    "proxy_user",
    "qr_svg",
    "record_attempt",
    "remember_device",
    "remove_passkey",
    "require_second_factor",
    "reset_second_factors",
    "revoke_all_api_tokens",
    "revoke_api_token",
    "revoke_session",
    "revoke_session_by_id",
    "revoke_sessions",
    "second_factor_keys",
    "second_factor_required",
    "second_factors",
    "session_user",
    "set_password",
    "signin_wait",
    "sso_sign_in",
    "start_session",
    "unlink_sso",
    "use_recovery_code",
    "user_by_id",
    "verify_totp",
    "withdraw_invitation",
]
