from django.urls import path

from hoshin.webhooks import views

app_name = "webhooks"
urlpatterns = [
    path("", views.webhook_list, name="list"),
    path("<int:pk>/", views.webhook_detail, name="detail"),
    path("<int:pk>/pause", views.pause, name="pause"),
    path("<int:pk>/resume", views.resume, name="resume"),
    path("<int:pk>/remove", views.remove, name="remove"),
    path("messages/<str:message_id>/replay", views.replay, name="replay"),
]
