from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from hoshin.pdca.models import Countermeasure, Learning, LearningUse

admin.site.register(Countermeasure, SimpleHistoryAdmin)
admin.site.register(Learning, SimpleHistoryAdmin)
admin.site.register(LearningUse, SimpleHistoryAdmin)
