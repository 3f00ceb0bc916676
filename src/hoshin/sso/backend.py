"""The authentication backend: mozilla-django-oidc's authorization-code flow (with PKCE
and a nonce), its endpoints read from the provider's discovery document, and the ID
token's issuer and audience checked as well as its signature, expiry and nonce (the
library leaves the audience unchecked)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from hoshin.sso import conf, services


class SingleSignOnBackend(OIDCAuthenticationBackend):
    # Settings are read when used, not when Django makes the backend: it makes one for
    # every request of a person signed in this way (get_user), which must not wait on
    # the identity provider.
    def __init__(self, *args, **kwargs):
        self.UserModel = get_user_model()

    @staticmethod
    def get_settings(attr, *args):
        return conf.get(attr, *args)

    OIDC_OP_TOKEN_ENDPOINT = property(lambda self: conf.get("OIDC_OP_TOKEN_ENDPOINT"))
    OIDC_OP_USER_ENDPOINT = property(lambda self: conf.get("OIDC_OP_USER_ENDPOINT"))
    OIDC_OP_JWKS_ENDPOINT = property(lambda self: conf.get("OIDC_OP_JWKS_ENDPOINT"))
    OIDC_RP_CLIENT_ID = property(lambda self: conf.get("OIDC_RP_CLIENT_ID"))
    OIDC_RP_CLIENT_SECRET = property(lambda self: conf.get("OIDC_RP_CLIENT_SECRET"))
    OIDC_RP_SIGN_ALGO = property(lambda self: conf.get("OIDC_RP_SIGN_ALGO", "RS256"))
    OIDC_RP_IDP_SIGN_KEY = property(lambda self: conf.get("OIDC_RP_IDP_SIGN_KEY", None))

    def authenticate(self, request, **kwargs):
        # Only the callback's call (it passes the nonce); a password log-in is not ours.
        if request is None or "nonce" not in kwargs or not conf.enabled():
            return None
        return super().authenticate(request, **kwargs)

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        if kwargs.get("nonce") is None:
            return payload  # a signed userinfo answer, not an ID token
        # OpenID Connect Core §3.1.3.7: the token must come from our issuer and be meant
        # for this client; a token another application obtained is refused.
        if str(payload.get("iss", "")).rstrip("/") != conf.issuer():
            raise SuspiciousOperation("the ID token comes from another issuer")
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        client_id = self.OIDC_RP_CLIENT_ID
        if client_id not in audiences:
            raise SuspiciousOperation("the ID token is meant for another application")
        if len(audiences) > 1 and payload.get("azp") != client_id:
            raise SuspiciousOperation("the ID token was issued to another application")
        return payload

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        # The userinfo answer must be about the person the ID token names (Core §5.3.2).
        if claims.get("sub") != payload.get("sub"):
            raise services.Refused("the identity provider's answers disagree on who this is")
        # Refusals travel as services.Refused (not None): Django would otherwise log an
        # anonymous failed log-in of its own beside the callback's entry.
        outcome = services.sign_in(None, {**payload, **claims})
        self.request.sso_notes = outcome.notes
        return outcome.person

    def get_user(self, user_id):
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None
