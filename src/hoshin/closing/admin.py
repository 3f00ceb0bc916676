from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from hoshin.closing.models import AnnualDecision, CarryOver, Grade, QuarterClose, Retrospective

for model in (Grade, Retrospective, CarryOver, QuarterClose, AnnualDecision):
    admin.site.register(model, SimpleHistoryAdmin)
