from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from hoshin.flags.models import Flag, FlagSettings


@admin.register(Flag)
class FlagAdmin(SimpleHistoryAdmin):
    list_display = ("key_result", "code", "raised_on", "cleared_on")
    list_filter = ("code",)
    search_fields = ("key_result__key", "key_result__title", "message")
    raw_id_fields = ("key_result",)


admin.site.register(FlagSettings, SimpleHistoryAdmin)
