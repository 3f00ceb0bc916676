from django.urls import path

from hoshin.okrs import dependency_pages, pages, people, trade_off_pages, views

app_name = "okrs"
urlpatterns: list = [
    path("key-results/<str:key>/", views.key_result, name="key_result"),
    path("key-results/<str:key>/checkin", views.checkin, name="checkin"),
]


urlpatterns += [
    path("units/<str:key>/", pages.unit_page, name="unit"),
    path("objectives/new/", pages.objective_form, name="objective_new"),
    path("objectives/<str:key>/", pages.objective_page, name="objective"),
    path("objectives/<str:key>/edit/", pages.objective_form, name="objective_edit"),
]

urlpatterns += [
    path("people/<int:pk>/", people.person_page, name="person"),
]

urlpatterns += [
    path("dependencies/", dependency_pages.dependencies_page, name="dependencies"),
    path("dependencies/<str:key>/answer", dependency_pages.answer, name="dependency_answer"),
]

urlpatterns += [
    path("trade-offs/", trade_off_pages.register_page, name="trade_offs"),
    path("trade-offs/<int:pk>/", trade_off_pages.entry_page, name="trade_off"),
]
