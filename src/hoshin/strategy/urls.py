from django.urls import path

from hoshin.strategy import metric_views, strategy_views, views

app_name = "strategy"
urlpatterns: list = [
    path("x-matrix/", views.xmatrix_page, name="xmatrix"),
    path("x-matrix/print/", views.xmatrix_page, {"printable": True}, name="xmatrix-print"),
    path("x-matrix.svg", views.xmatrix_svg, name="xmatrix-svg"),
]


urlpatterns += [
    path("metrics/", metric_views.metrics_list, name="metrics"),
    path("metrics/<str:key>/", metric_views.metric_detail, name="metric"),
]


urlpatterns += [
    path("", strategy_views.overview, name="overview"),
    path("vision/edit/", strategy_views.edit_vision, name="vision-edit"),
    path("grids/<str:grid>/", strategy_views.grid_page, name="grid"),
    path("breakthroughs/<str:key>/", strategy_views.breakthrough_page, name="breakthrough"),
    path("annual/<str:key>/", strategy_views.annual_page, name="annual"),
    path("priorities/<str:key>/", strategy_views.priority_page, name="priority"),
    path("new/<str:kind>/", strategy_views.edit_item, name="item-new"),
    path("<str:kind>/<str:key>/edit/", strategy_views.edit_item, name="item-edit"),
    path("<str:kind>/<str:key>/archive/", strategy_views.archive_item, name="item-archive"),
]
