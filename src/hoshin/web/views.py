"""The web front door. The full web app is built on these templates (issue #3)."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

from hoshin.okrs.models import Cycle
from hoshin.org.models import Organization


@login_required
def home(request):
    cycles = Cycle.objects.filter(archived_at__isnull=True).order_by("-start")[:8]
    return render(request, "web/home.html",
                  {"organization": Organization.current(), "cycles": cycles, "nav": "home"})


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})
