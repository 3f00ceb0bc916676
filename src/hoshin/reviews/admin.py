from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from hoshin.reviews.models import Action, AgendaItem, Decision, Review

admin.site.register(Review, SimpleHistoryAdmin)
admin.site.register(AgendaItem, SimpleHistoryAdmin)
admin.site.register(Decision, SimpleHistoryAdmin)
admin.site.register(Action, SimpleHistoryAdmin)
