from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from hoshin.okrs import models


@admin.register(models.Cycle)
class CycleAdmin(SimpleHistoryAdmin):
    list_display = ("key", "name", "kind", "start", "end", "state")
    list_filter = ("kind", "state")


@admin.register(models.Theme)
class ThemeAdmin(SimpleHistoryAdmin):
    list_display = ("key", "cycle", "title")
    list_filter = ("cycle",)


@admin.register(models.TradeOff)
class TradeOffAdmin(SimpleHistoryAdmin):
    """Read-only: register entries are written through okrs.services (reason, rights,
    who was told) and never changed or deleted, only superseded (/trade-offs/)."""

    list_display = ("title", "cycle", "kind", "source", "decided_by", "decided_on")
    list_filter = ("cycle", "kind", "source")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class KeyResultInline(admin.TabularInline):
    model = models.KeyResult
    fields = ("key", "title", "owner", "kind", "baseline", "target", "unit", "weight")
    extra = 0
    show_change_link = True
    raw_id_fields = ("owner",)


@admin.register(models.Objective)
class ObjectiveAdmin(SimpleHistoryAdmin):
    list_display = ("key", "title", "unit", "cycle", "kind", "archived_at")
    list_filter = ("cycle", "kind")
    search_fields = ("key", "title")
    raw_id_fields = ("unit", "parent_annual", "parent_priority", "parent_theme",
                     "parent_objective")
    inlines = [KeyResultInline]


class MilestoneStepInline(admin.TabularInline):
    model = models.MilestoneStep
    extra = 0


class PhaseInline(admin.TabularInline):
    model = models.Phase
    extra = 0


@admin.register(models.KeyResult)
class KeyResultAdmin(SimpleHistoryAdmin):
    list_display = ("key", "title", "owner", "kind", "baseline", "target", "archived_at")
    list_filter = ("kind", "objective__cycle")
    search_fields = ("key", "title", "owner__email")
    raw_id_fields = ("objective", "owner", "last_checkin")
    inlines = [MilestoneStepInline, PhaseInline]


@admin.register(models.CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    """Read-only: check-ins are append-only; corrections are new check-ins."""

    list_display = ("key_result", "date", "value", "confidence", "author")
    list_filter = ("date",)
    search_fields = ("key_result__key",)
    raw_id_fields = ("key_result", "author")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class InitiativeLinkInline(admin.TabularInline):
    model = models.InitiativeLink
    extra = 0


@admin.register(models.Initiative)
class InitiativeAdmin(SimpleHistoryAdmin):
    list_display = ("key", "title", "key_result", "owner", "status")
    list_filter = ("status",)
    search_fields = ("key", "title")
    raw_id_fields = ("key_result", "owner")
    inlines = [InitiativeLinkInline]
    # Stopping or pausing work is a trade-off written with its reason, who decided and who
    # was told (okrs.services.save_initiative); the admin form has no place for them, so
    # the status is changed on the portfolio's flow page or through the API.
    readonly_fields = ("status",)
