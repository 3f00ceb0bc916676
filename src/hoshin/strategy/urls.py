from django.urls import path

from hoshin.strategy import views

app_name = "strategy"
urlpatterns: list = [
    path("x-matrix/", views.xmatrix_page, name="xmatrix"),
    path("x-matrix/print/", views.xmatrix_page, {"printable": True}, name="xmatrix-print"),
    path("x-matrix.svg", views.xmatrix_svg, name="xmatrix-svg"),
]
