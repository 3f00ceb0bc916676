from django.urls import path

from hoshin.strategy import views

app_name = "strategy"
urlpatterns: list = [
    path("x-matrix/", views.xmatrix_page, name="xmatrix"),
    path("x-matrix/print/", views.xmatrix_page, {"printable": True}, name="xmatrix-print"),
    path("x-matrix.svg", views.xmatrix_svg, name="xmatrix-svg"),
]

from hoshin.strategy import metric_views

urlpatterns += [
    path("metrics/", metric_views.metrics_list, name="metrics"),
    path("metrics/<str:key>/", metric_views.metric_detail, name="metric"),
]
