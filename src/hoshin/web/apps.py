from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "hoshin.web"
    label = "web"
    verbose_name = "Web"

    def ready(self):
        # Strategy pages open on the fiscal year of the running quarter (okrs), which the
        # strategy app below okrs does not read itself.
        from hoshin.web.strategy import years

        years.register()
        # The admin site's log-in must not skip the two-factor code (web/twofactor.py).
        from django.contrib import admin

        from hoshin.web.twofactor import AdminLoginForm

        admin.site.login_form = AdminLoginForm
