from django.contrib import admin
from django.urls import include, path

from hoshin.api import api
from hoshin.planfile.spreadsheet_views import goal_list_import_page
from hoshin.planfile.views import markdown_import_job, markdown_import_page
from hoshin.reviews import views as review_views
from hoshin.strategy import urls as strategy_urls
from hoshin.web.alignment import alignment_branch, alignment_map
from hoshin.web.strategy import urls as strategy_pages
from hoshin.web.transparency import company, tv

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    # One "strategy" namespace: web's pages that show OKRs under the strategy (the X-matrix,
    # each element's page), then the strategy app's own.
    path("strategy/", include((strategy_pages.urlpatterns + strategy_urls.urlpatterns,
                               strategy_urls.app_name))),
    path("analyzer/", include("hoshin.analyzer.urls")),
    path("planning/", include("hoshin.planning.urls")),
    path("catchball/", include("hoshin.catchball.urls")),
    path("notify/", include("hoshin.notify.urls")),
    path("flags/", include("hoshin.flags.urls")),
    path("reviews/", include("hoshin.reviews.urls")),
    path("closing/", include("hoshin.closing.urls")),
    path("audit/", include("hoshin.audit.urls")),
    path("sso/", include("hoshin.sso.urls")),
    path("calendar/", review_views.calendar_page, name="calendar"),
    path("calendar/regenerate/", review_views.calendar_regenerate, name="calendar-regenerate"),
    path("calendar/<str:token>.ics", review_views.calendar_person, name="calendar-person"),
    path("calendar/<str:token>/organisation.ics", review_views.calendar_org,
         name="calendar-org"),
    path("pdca/", include("hoshin.pdca.urls")),
    path("portfolio/", include("hoshin.portfolio.urls")),
    path("analytics/", include("hoshin.analytics.urls")),
    path("sources/", include("hoshin.sources.urls")),
    path("trackers/", include("hoshin.trackers.urls")),
    path("webhooks/", include("hoshin.webhooks.urls")),
    path("learnings/", include("hoshin.pdca.learning_urls")),
    path("alignment/", alignment_map, name="alignment"),
    path("alignment/branch/", alignment_branch, name="alignment-branch"),
    path("company/", company, name="company"),
    path("tv/", tv, name="tv"),
    path("board-pack/", include("hoshin.boardpack.urls")),
    path("import/markdown/", markdown_import_page, name="markdown_import"),
    path("import/markdown/jobs/<str:job_id>/", markdown_import_job, name="markdown_import_job"),
    path("import/goals/", goal_list_import_page, name="goal_list_import"),
    path("", include("hoshin.okrs.urls")),
    path("", include("hoshin.web.urls")),
]
