from django.apps import AppConfig
from django.core import checks


class SsoConfig(AppConfig):
    name = "hoshin.sso"
    label = "sso"
    verbose_name = "Single sign-on"

    def ready(self):
        checks.register(check_configuration, checks.Tags.security)


def check_configuration(app_configs=None, **kwargs):
    """A wrong single sign-on setting stops `hoshin serve` (Django's system checks run
    before it starts), rather than showing at someone's first sign-in."""
    from django.conf import settings

    from hoshin.org.models import Role
    from hoshin.sso import conf

    errors = []
    try:
        conf.parse_role_map(settings.HOSHIN_OIDC_ROLES)
    except ValueError as exc:
        errors.append(checks.Error(str(exc), id="hoshin.sso.E001"))
    if settings.HOSHIN_OIDC_DEFAULT_ROLE not in Role.values:
        errors.append(checks.Error(
            f'HOSHIN_OIDC_DEFAULT_ROLE: unknown role "{settings.HOSHIN_OIDC_DEFAULT_ROLE}"',
            id="hoshin.sso.E002"))
    if settings.HOSHIN_OIDC_ISSUER and not settings.OIDC_RP_CLIENT_ID:
        errors.append(checks.Error("HOSHIN_OIDC_ISSUER is set but HOSHIN_OIDC_CLIENT_ID is not",
                                   id="hoshin.sso.E003"))
    if not conf.password_login() and not conf.enabled():
        errors.append(checks.Error(
            "HOSHIN_PASSWORD_LOGIN=off needs single sign-on (HOSHIN_OIDC_ISSUER and "
            "HOSHIN_OIDC_CLIENT_ID): nobody could sign in", id="hoshin.sso.E004"))
    return errors
