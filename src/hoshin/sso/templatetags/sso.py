"""`{% load sso %}{% single_sign_on as sso %}` for the log-in page: whether single sign-on
is offered, the provider's name, and whether passwords are still accepted."""

from django import template

from hoshin.sso import conf

register = template.Library()


@register.simple_tag
def single_sign_on() -> dict:
    return {"enabled": conf.enabled(), "provider": conf.provider_name(),
            "passwords": conf.password_login()}
