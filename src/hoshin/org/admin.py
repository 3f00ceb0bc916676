import secrets

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import ValidationError
from simple_history.admin import SimpleHistoryAdmin

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


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are created here or with `hoshin token`; the secret is shown only once."""

    list_display = ("prefix", "person", "name", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("person__email", "name", "prefix")
    autocomplete_fields = ("person",)
    fields = ("person", "name", "revoked_at")

    def save_model(self, request, obj, form, change):
        if not change:
            raw = "hsn_" + secrets.token_urlsafe(32)
            obj.prefix, obj.digest = raw[:10], ApiToken.digest_of(raw)
            messages.warning(request, f"New API token for {obj.person.email} (copy it now, it "
                                      f"will not be shown again): {raw}")
        super().save_model(request, obj, form, change)
