from django.urls import path

from hoshin.pdca import views

app_name = "pdca"
urlpatterns = [
    path("", views.countermeasure_list, name="list"),
    path("new/", views.countermeasure_new, name="new"),
    path("<int:pk>/", views.countermeasure_detail, name="detail"),
]
