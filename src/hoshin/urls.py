from django.contrib import admin
from django.urls import include, path

from hoshin.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("strategy/", include("hoshin.strategy.urls")),
    path("", include("hoshin.okrs.urls")),
    path("", include("hoshin.web.urls")),
]
