from django.urls import path

from hoshin.closing import views

app_name = "closing"
urlpatterns = [
    path("", views.current_quarter, name="current"),
    path("annual/<int:year>/", views.annual_review, name="annual"),
    path("<str:key>/", views.quarter_close, name="quarter"),
]
