"""Sign in with the identity provider, and its answer (the callback).

Every refusal (an archived person, an unverified e-mail, a token that fails a check, the
provider refusing or unreachable) sends the person back to the log-in page with the
reason and leaves a failed sign-in in the audit log; a sign-in that goes through is
logged by the audit app like any other (Django's user_logged_in)."""

from __future__ import annotations

import logging

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpResponseRedirect
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from hoshin.core.errors import DomainError
from hoshin.sso import conf, services

log = logging.getLogger(__name__)


def _refused(request, reason: str, *, person=None, email: str = "") -> HttpResponseRedirect:
    services.record_refusal(request, reason, person=person, email=email)
    messages.error(request, f"Signing in with {conf.provider_name()} did not work: {reason}.")
    return HttpResponseRedirect(settings.LOGIN_URL)


class SignIn(OIDCAuthenticationRequestView):
    """Sends the browser to the provider (a link, not a form: the CSP's form-action
    allows forms to post only to Hoshin)."""

    def __init__(self, *args, **kwargs):
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)

    @staticmethod
    def get_settings(attr, *args):
        return conf.get(attr, *args)

    def get(self, request):
        if not conf.enabled():
            raise Http404("Single sign-on is not configured")
        try:
            self.OIDC_OP_AUTH_ENDPOINT = conf.get("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except conf.ProviderUnavailable as exc:
            log.warning("single sign-on: %s", exc)
            return _refused(request, "the identity provider could not be reached")
        self.OIDC_RP_CLIENT_ID = conf.get("OIDC_RP_CLIENT_ID")
        return super().get(request)


class Callback(OIDCAuthenticationCallbackView):
    @staticmethod
    def get_settings(attr, *args):
        return conf.get(attr, *args)

    def get(self, request):
        if not conf.enabled():
            raise Http404("Single sign-on is not configured")
        try:
            return super().get(request)
        except services.Refused as exc:
            return _refused(request, exc.reason, person=exc.person, email=exc.email)
        except DomainError as exc:
            # The provider's claims broke a rule of Hoshin's (an e-mail address that is
            # not one, say): nothing was written.
            return _refused(request, exc.detail)
        except SuspiciousOperation as exc:
            # A nonce, state, signature, issuer or audience that does not match.
            log.warning("single sign-on refused: %s", exc)
            return _refused(request, f"the answer failed a check ({exc})")
        except (requests.RequestException, jwt.PyJWTError, conf.ProviderUnavailable,
                KeyError, ValueError) as exc:
            log.warning("single sign-on failed: %s", exc)
            return _refused(request, "the identity provider's answer could not be used")

    def login_failure(self):
        error = self.request.GET.get("error")
        if error:
            return _refused(self.request, f"the identity provider answered {error}"[:200])
        return _refused(self.request, "the sign-in was not started here, or has expired")

    def login_success(self):
        response = super().login_success()
        services.record_notes(self.request, self.user, getattr(self.request, "sso_notes", []))
        return response
