"""The strategy pages web composes, mounted by hoshin.urls under /strategy/ together with
strategy/urls.py's, in the "strategy" namespace (so `strategy:xmatrix` and the rest keep
their names and paths)."""

from django.urls import path

from hoshin.web.strategy import elements, timeline, xmatrix

urlpatterns: list = [
    path("x-matrix/", xmatrix.xmatrix_page, name="xmatrix"),
    path("x-matrix/print/", xmatrix.xmatrix_page, {"printable": True}, name="xmatrix-print"),
    path("x-matrix.svg", xmatrix.xmatrix_svg, name="xmatrix-svg"),
    path("breakthroughs/<str:key>/", elements.breakthrough_page, name="breakthrough"),
    path("annual/<str:key>/", elements.annual_page, name="annual"),
    path("priorities/<str:key>/", elements.priority_page, name="priority"),
    path("timeline/", timeline.timeline_page, name="timeline"),
]
