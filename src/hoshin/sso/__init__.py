"""Single sign-on with OpenID Connect (mozilla-django-oidc): people matched by e-mail or
created, their role and unit taken from the identity provider's claims."""
