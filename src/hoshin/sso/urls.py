from django.urls import path

from hoshin.sso import views

app_name = "sso"

urlpatterns = [
    path("login/", views.SignIn.as_view(), name="login"),
    path("callback/", views.Callback.as_view(), name="callback"),
]
