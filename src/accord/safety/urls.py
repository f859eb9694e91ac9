"""Pages of the safety app (included from accord.config.urls at /safety/)."""

from django.urls import path

from accord.safety import register_views, views

app_name = "safety"
urlpatterns = [
    path("report/", views.report, name="report"),
    path("track/", views.track, name="track"),
    path("", views.board, name="board"),
    path("supervision/", views.supervision, name="supervision"),
    path("places/", views.place_list, name="places"),
    path("places/<int:pk>/", views.place_detail, name="place"),
    path("places/<int:pk>/inspect/", views.place_inspect, name="inspect"),
    path("incidents/", register_views.incident_list, name="incidents"),
    path("assessment/", register_views.assessment_page, name="assessment"),
    path("hazards/<str:reference>/", views.hazard_detail, name="hazard"),
    path("hazards/<str:reference>/act/", views.hazard_act, name="hazard_act"),
    path("hazards/<str:reference>/five/", views.hazard_five, name="hazard_five"),
    path("hazards/<str:reference>/photos/<int:pk>/", views.photo, name="photo"),
]
