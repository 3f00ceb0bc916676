from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from hoshin.notify.models import SECRETS, OutboxMessage, Preference, Rhythm, ScheduledRun


@admin.register(OutboxMessage)
class OutboxAdmin(admin.ModelAdmin):
    list_display = ("created_at", "channel", "address", "subject", "kind", "state", "attempts")
    list_filter = ("state", "channel", "kind")
    search_fields = ("address", "subject", "dedupe_key")

    def has_change_permission(self, request, obj=None):
        return False  # the outbox is a log


@admin.register(ScheduledRun)
class ScheduledRunAdmin(admin.ModelAdmin):
    list_display = ("job", "slot", "enqueued_at", "completed_at", "attempts")
    list_filter = ("job",)


@admin.register(Rhythm)
class RhythmAdmin(SimpleHistoryAdmin):
    exclude = SECRETS  # sealed: set them on the rhythm page, the API or `hoshin rhythm`


admin.site.register(Preference, SimpleHistoryAdmin)
