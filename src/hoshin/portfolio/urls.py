from django.urls import path

from hoshin.portfolio import views

app_name = "portfolio"
urlpatterns = [
    path("", views.portfolio, name="list"),
    path("score/", views.score, name="score"),
    path("flow/", views.flow_page, name="flow"),
    path("units/<str:key>/wip-limit/", views.set_wip_limit, name="wip_limit"),
    path("initiatives/<str:key>/status/", views.change_status, name="status"),
]
