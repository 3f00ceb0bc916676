from django.urls import path

from hoshin.planning import session_views, views

app_name = "planning"
urlpatterns: list = [
    path("", views.overview, name="overview"),
    path("readiness/<str:cycle>/", views.readiness_page, name="readiness"),
    path("alignment/new/", views.round_new, name="round-new"),
    path("alignment/<int:pk>/", views.round_page, name="round"),
    path("brief/<str:cycle>/", views.brief_page, name="brief"),
    path("session/<str:cycle>/", session_views.session_page, name="session"),
]
