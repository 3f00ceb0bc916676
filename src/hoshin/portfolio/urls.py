from django.urls import path

from hoshin.portfolio import views

app_name = "portfolio"
urlpatterns = [
    path("", views.portfolio, name="list"),
    path("score/", views.score, name="score"),
]
