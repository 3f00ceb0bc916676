from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import ValidationError
from simple_history.admin import SimpleHistoryAdmin

from hoshin.core import clock
from hoshin.core.errors import DomainError
from hoshin.org import services
from hoshin.org.models import ApiToken, Membership, Organization, Person, Unit


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin):
    list_display = ("name", "fiscal_year_start", "include_child_objectives")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("unit",)


class PersonChangeForm(UserChangeForm):
    """The admin site's person form, refusing to archive or demote the last admin."""

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            # The stored person: the instance already carries the form's new values.
            stored = Person.objects.get(pk=self.instance.pk)
            try:
                services.check_not_last_admin(stored, role=cleaned.get("role"),
                                              is_active=cleaned.get("is_active"))
            except DomainError as exc:
                raise ValidationError(exc.errors[0].message) from exc
        return cleaned


@admin.register(Person)
class PersonAdmin(UserAdmin, SimpleHistoryAdmin):
    form = PersonChangeForm
    ordering = ("name",)
    list_display = ("name", "email", "role", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("name", "email")
    fieldsets = (
        (None, {"fields": ("email", "name", "role", "is_active", "password")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",),
                             "fields": ("email", "name", "role", "password1", "password2")}),)
    filter_horizontal = ()
    readonly_fields = ("last_login", "date_joined")
    inlines = [MembershipInline]


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    list_display = ("key", "name", "parent", "lead", "archived_at")
    search_fields = ("key", "name")
    autocomplete_fields = ("parent", "lead")


class ApiTokenForm(forms.ModelForm):
    scope = forms.ChoiceField(choices=ApiToken.Scope.choices, required=False,
                              initial=ApiToken.Scope.WRITE)

    class Meta:
        model = ApiToken
        fields = ("person", "name", "scope", "expires_at", "revoked_at")

    def clean_scope(self):
        return self.cleaned_data.get("scope") or ApiToken.Scope.WRITE

    def clean_expires_at(self):
        value = self.cleaned_data.get("expires_at")
        if value is not None and not self.instance.pk and value <= clock.now():
            raise ValidationError("must be in the future")
        return value


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are created here or with `hoshin token`; the secret is shown only once. Both
    go through the services, so the admin who makes or revokes one is recorded (and named
    in what is done with a token made for someone else)."""

    form = ApiTokenForm
    list_display = ("prefix", "person", "name", "scope", "created_by", "created_at",
                    "expires_at", "last_used_at", "revoked_at")
    list_filter = ("scope", "revoked_at")
    search_fields = ("person__email", "name", "prefix")
    autocomplete_fields = ("person",)
    fields = ("person", "name", "scope", "expires_at", "revoked_at")

    def save_model(self, request, obj, form, change):
        if change:
            stored = ApiToken.objects.get(pk=obj.pk)
            if obj.revoked_at and stored.revoked_at is None:
                services.revoke_token(request.user, stored)
                return
            super().save_model(request, obj, form, change)
            return
        raw = services.create_token(request.user, obj.person, obj.name, scope=obj.scope,
                                    expires_at=obj.expires_at)
        created = ApiToken.objects.get(digest=ApiToken.digest_of(raw))
        obj.pk = created.pk
        obj.__dict__.update({k: v for k, v in created.__dict__.items() if k != "_state"})
        obj._state.adding = False
        messages.warning(request, f"New API token for {obj.person.email} (copy it now, it "
                                  f"will not be shown again): {raw}")
