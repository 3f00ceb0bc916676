from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from hoshin.strategy import models


@admin.register(models.Vision)
class VisionAdmin(SimpleHistoryAdmin):
    list_display = ("statement", "horizon")


class BreakthroughCorrelationInline(admin.TabularInline):
    model = models.BreakthroughCorrelation
    extra = 0


class PriorityCorrelationInline(admin.TabularInline):
    model = models.PriorityCorrelation
    extra = 0


class MetricCorrelationInline(admin.TabularInline):
    model = models.MetricCorrelation
    extra = 0


class ResourceInline(admin.TabularInline):
    model = models.Resource
    extra = 0


class MetricActualInline(admin.TabularInline):
    model = models.MetricActual
    extra = 0


@admin.register(models.Breakthrough)
class BreakthroughAdmin(SimpleHistoryAdmin):
    list_display = ("key", "title", "horizon", "archived_at")
    search_fields = ("key", "title")


@admin.register(models.AnnualObjective)
class AnnualObjectiveAdmin(SimpleHistoryAdmin):
    list_display = ("key", "year", "title", "archived_at")
    list_filter = ("year",)
    search_fields = ("key", "title")
    inlines = [BreakthroughCorrelationInline]


@admin.register(models.ImprovementPriority)
class ImprovementPriorityAdmin(SimpleHistoryAdmin):
    list_display = ("key", "year", "unit", "title", "archived_at")
    list_filter = ("year",)
    search_fields = ("key", "title")
    inlines = [PriorityCorrelationInline, ResourceInline]


@admin.register(models.Metric)
class MetricAdmin(SimpleHistoryAdmin):
    list_display = ("key", "title", "unit", "direction", "baseline", "target")
    search_fields = ("key", "title")
    inlines = [MetricCorrelationInline, MetricActualInline]
