from django.urls import path

from hoshin.reviews import views

app_name = "reviews"
urlpatterns = [
    path("", views.review_list, name="list"),
    path("<int:pk>/", views.review_detail, name="detail"),
    path("schedule/", views.review_schedule, name="schedule"),
]
