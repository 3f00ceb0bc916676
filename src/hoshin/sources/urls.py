from django.urls import path

from hoshin.sources import views

app_name = "sources"
urlpatterns = [
    path("<str:key>/sync", views.sync_now, name="sync"),
]
