from django.urls import path

from hoshin.analyzer import views

app_name = "analyzer"
urlpatterns = [
    path("", views.report_page, name="report"),
    path("settings/", views.settings_page, name="settings"),
    path("draft/", views.draft_check, name="draft"),
]
