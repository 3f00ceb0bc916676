from django.urls import path

from hoshin.flags import views

app_name = "flags"
urlpatterns = [
    path("", views.flag_list, name="list"),
    path("settings/", views.flag_settings, name="settings"),
]
