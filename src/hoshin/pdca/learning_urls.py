from django.urls import path

from hoshin.pdca import views

app_name = "learnings"
urlpatterns = [
    path("", views.learning_list, name="list"),
    path("new/", views.learning_new, name="new"),
    path("<int:pk>/", views.learning_detail, name="detail"),
]
