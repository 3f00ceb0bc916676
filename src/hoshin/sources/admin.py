from django.contrib import admin

from hoshin.sources.models import Reading, Source


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["key_result", "kind", "location", "value", "value_at", "failures"]
    list_filter = ["kind"]
    # The sealed secrets are never shown, not even encrypted.
    exclude = ["sealed"]
    readonly_fields = ["checked_at", "value", "value_at", "failures", "error", "error_kind",
                       "failing_since", "header_names", "by_operator"]


@admin.register(Reading)
class ReadingAdmin(admin.ModelAdmin):
    list_display = ["checkin", "kind", "location", "value", "as_of"]
    readonly_fields = ["source", "checkin", "kind", "location", "value", "as_of"]
