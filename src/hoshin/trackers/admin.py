from django.contrib import admin

from hoshin.trackers.models import Connection, Hook, TrackerLink


@admin.register(Connection)
class ConnectionAdmin(admin.ModelAdmin):
    list_display = ["kind", "base_url", "account", "every_minutes", "updated_at"]
    # The sealed token is never shown, not even encrypted.
    exclude = ["sealed"]


@admin.register(TrackerLink)
class TrackerLinkAdmin(admin.ModelAdmin):
    list_display = ["initiative", "kind", "ref", "done", "in_progress", "total", "synced_at",
                    "failures"]
    list_filter = ["kind"]
    readonly_fields = ["title", "url", "scope", "total", "done", "in_progress", "items",
                       "item_refs", "synced_at", "checked_at", "failures", "error",
                       "error_kind", "failing_since"]


@admin.register(Hook)
class HookAdmin(admin.ModelAdmin):
    list_display = ["kind", "created_at", "confirmed_at", "last_call_at", "calls"]
    exclude = ["sealed"]
    readonly_fields = ["token", "confirmed_at", "last_call_at", "calls"]
