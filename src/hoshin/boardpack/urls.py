"""The board pack's pages, mounted by hoshin.urls at /board-pack/."""

from django.urls import path

from hoshin.boardpack import views

urlpatterns = [
    path("", views.board_pack_page, name="boardpack"),
    path("jobs/<str:job_id>/", views.board_pack_job, name="boardpack_job"),
    path("jobs/<str:job_id>/pack.pdf", views.board_pack_download, name="boardpack_download"),
]
