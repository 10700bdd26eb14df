"""API token authentication with a lifetime (DRF's token model, one token per user).

A token older than ``TUIJIN_API_TOKEN_HOURS`` is deleted on use and answers 401; so does the token of a member who
must change an initial password. Revocation deletes the token (accounts.services.tokens_revoke).
"""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        from tuijin.accounts.services import token_expired

        user, token = super().authenticate_credentials(key)
        if token_expired(token):
            token.delete()
            raise AuthenticationFailed(_("The API token has expired; take a new one at /api/v1/auth/token."))
        member = getattr(user, "member", None)
        if member is not None and member.must_change_password:
            raise AuthenticationFailed(_("Change your initial password on the web page first; then take an API "
                                         "token."))
        return user, token
