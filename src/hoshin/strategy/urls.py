"""The strategy app's own pages. The pages that show OKRs under the strategy (the X-matrix
and each element's page) are hoshin.web.strategy's; hoshin.urls mounts both lists under
/strategy/ in the one "strategy" namespace."""

from django.urls import path

from hoshin.strategy.views import elements, grids, metrics, overview

app_name = "strategy"
urlpatterns: list = [
    path("metrics/", metrics.metrics_list, name="metrics"),
    path("metrics/<str:key>/", metrics.metric_detail, name="metric"),
    path("", overview.overview, name="overview"),
    path("vision/edit/", elements.edit_vision, name="vision-edit"),
    path("grids/<str:grid>/", grids.grid_page, name="grid"),
    path("new/<str:kind>/", elements.edit_item, name="item-new"),
    path("<str:kind>/<str:key>/edit/", elements.edit_item, name="item-edit"),
    path("<str:kind>/<str:key>/archive/", elements.archive_item, name="item-archive"),
]
