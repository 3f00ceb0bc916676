from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from hoshin.planning import models

# Rankings are left out on purpose: they are sealed until their round closes, for admins too.


class ResponseInline(admin.TabularInline):
    model = models.ReadinessResponse
    fields = ("respondent", "submitted_at", "updated_at")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(models.ReadinessSurvey)
class ReadinessSurveyAdmin(SimpleHistoryAdmin):
    list_display = ("cycle", "opened_at", "closed_at")
    inlines = [ResponseInline]


class ItemInline(admin.TabularInline):
    model = models.AlignmentItem
    fields = ("order", "title", "annual_objective", "priority")
    extra = 0


@admin.register(models.AlignmentRound)
class AlignmentRoundAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "cycle", "threshold", "w", "opened_at", "closed_at")
    list_filter = ("cycle",)
    readonly_fields = ("w", "closed_at")
    inlines = [ItemInline]


@admin.register(models.Brief)
class BriefAdmin(SimpleHistoryAdmin):
    list_display = ("cycle", "updated_at")


@admin.register(models.GateOverride)
class GateOverrideAdmin(admin.ModelAdmin):
    list_display = ("cycle", "from_state", "to_state", "by", "at", "w", "threshold")
    readonly_fields = ("cycle", "from_state", "to_state", "reason", "by", "at", "round", "w",
                       "threshold")

    def has_add_permission(self, request):
        return False  # recorded by move_cycle only

    def has_delete_permission(self, request, obj=None):
        return False


class DecisionInline(admin.TabularInline):
    model = models.SessionDecision
    fields = ("code", "kind", "subject", "target", "reason", "decided_by", "decided_at",
              "applied")
    readonly_fields = fields
    extra = 0
    can_delete = False  # the decisions' changes are made; deleting would hide them


@admin.register(models.AlignmentSession)
class AlignmentSessionAdmin(SimpleHistoryAdmin):
    list_display = ("cycle", "state", "opened_at", "closed_at", "reruns")
    readonly_fields = ("opening_report", "report", "approved", "reruns")
    inlines = [DecisionInline]
