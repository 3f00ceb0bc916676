from django.urls import path

from hoshin.okrs import views

app_name = "okrs"
urlpatterns: list = [
    path("key-results/<int:pk>/", views.key_result, name="key_result"),
    path("key-results/<int:pk>/checkin", views.checkin, name="checkin"),
]
