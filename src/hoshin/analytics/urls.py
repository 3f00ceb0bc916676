from django.urls import path

from hoshin.analytics import views

app_name = "analytics"
urlpatterns = [
    path("", views.analytics, name="index"),
]
