from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from hoshin.analyzer.models import AnalyzerSettings
from hoshin.okrs.models import Dependency


@admin.register(AnalyzerSettings)
class AnalyzerSettingsAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "max_objectives", "max_krs", "max_owner_krs", "max_themes")


# The Dependency model lives in okrs (SPEC §5); it is registered here, where it is read.
@admin.register(Dependency)
class DependencyAdmin(SimpleHistoryAdmin):
    list_display = ("key", "key_result", "objective", "providing_unit", "state", "requested_at")
    list_filter = ("state",)
    raw_id_fields = ("key_result", "objective", "requested_by", "decided_by")
