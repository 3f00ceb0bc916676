from django.urls import path

app_name = "okrs"
urlpatterns: list = []
