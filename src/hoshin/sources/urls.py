from django.urls import path

from hoshin.sources import views

app_name = "sources"
urlpatterns = [
    path("<str:key>/", views.setup, name="setup"),
    path("<str:key>/try", views.try_now, name="try"),
    path("<str:key>/remove", views.remove, name="remove"),
    path("<str:key>/sync", views.sync_now, name="sync"),
]
