from django.urls import path

from hoshin.catchball import views

app_name = "catchball"
urlpatterns: list = [
    path("", views.inbox, name="inbox"),
    path("overview/", views.overview, name="overview"),
    path("calendar/", views.calendar, name="calendar"),
    path("propose/", views.propose, name="propose"),
    path("<int:pk>/", views.thread, name="thread"),
]
