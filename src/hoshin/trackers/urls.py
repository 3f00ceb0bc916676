from django.urls import path

from hoshin.trackers import views

app_name = "trackers"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("initiatives/<str:key>/", views.initiative_page, name="initiative"),
    path("connections/", views.connections, name="connections"),
    path("connections/<str:kind>/remove", views.disconnect, name="disconnect"),
    path("webhooks/new", views.hook_new, name="hook_new"),
    path("webhooks/<int:pk>/secret", views.hook_secret, name="hook_secret"),
    path("webhooks/<int:pk>/remove", views.hook_remove, name="hook_remove"),
    path("hooks/<str:kind>/<str:token>/", views.hook, name="hook"),
]
