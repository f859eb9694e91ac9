"""Staff pages of the resolution app (included from accord.config.urls at /resolution/)."""

from django.urls import path

from accord.resolution import views

app_name = "resolution"
urlpatterns = [
    path("board/", views.board, name="board"),
    path("limitations/", views.limitations_page, name="limitations"),
    path("metrics/", views.metrics_page, name="metrics"),
    path("cases/<str:reference>/", views.case_page, name="case"),
    path("cases/<str:reference>/open/", views.case_open, name="case_open"),
    path("cases/<str:reference>/dossier.pdf", views.dossier_pdf, name="dossier_pdf"),
    path("proceedings/<str:number>/", views.proceeding_page, name="proceeding"),
    path("proceedings/<str:number>/act/", views.proceeding_act, name="proceeding_act"),
    path("proceedings/<str:number>/handoff/", views.proceeding_handoff, name="handoff"),
    path("proceedings/<str:number>/session/", views.proceeding_session, name="session"),
    path(
        "cases/<str:reference>/followups/<int:followup_id>/",
        views.case_followup,
        name="followup",
    ),
    path("cases/<str:reference>/archive/", views.case_archive, name="archive"),
    path("documents/<int:document_id>/", views.document_page, name="document"),
]
