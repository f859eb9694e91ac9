"""Pages of the participation app (included from accord.config.urls at /participation/)."""

from django.urls import path

from accord.participation import opinion_views, suggestion_views, theme_views, views

app_name = "participation"
urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.my_comments, name="my_comments"),
    path("c/<str:reference>/", views.consultation_page, name="consultation"),
    path("c/<str:reference>/comment/", views.comment_post, name="comment"),
    path("c/<str:reference>/results/", views.results_page, name="results"),
    path("c/<str:reference>/statements/", opinion_views.statement_post, name="statement"),
    path(
        "c/<str:reference>/statements/<int:statement_id>/vote/",
        opinion_views.vote_post,
        name="vote",
    ),
    path("suggestions/", suggestion_views.suggestions, name="suggestions"),
    path("suggestions/<str:reference>/", suggestion_views.suggestion_page, name="suggestion"),
    path(
        "suggestions/<str:reference>/cosign/",
        suggestion_views.suggestion_cosign,
        name="suggestion_cosign",
    ),
    path("staff/suggestions/", suggestion_views.suggestions_staff, name="suggestions_staff"),
    path(
        "staff/suggestions/<str:reference>/",
        suggestion_views.suggestion_answer,
        name="suggestion_answer",
    ),
    path("staff/", views.workbench, name="workbench"),
    path("staff/new/", views.new_consultation, name="new"),
    path("staff/c/<str:reference>/", views.manage, name="manage"),
    path("staff/c/<str:reference>/edit/", views.edit_consultation, name="edit"),
    path("staff/c/<str:reference>/act/", views.act, name="act"),
    path("staff/c/<str:reference>/dispose/", views.dispose, name="dispose"),
    path("staff/c/<str:reference>/hide/", views.hide, name="hide"),
    path("staff/c/<str:reference>/themes/", theme_views.themes_suggest, name="themes"),
    path("staff/c/<str:reference>/themes/apply/", theme_views.theme_apply, name="theme_apply"),
    path("staff/c/<str:reference>/decision/", views.decision, name="decision"),
    path("staff/c/<str:reference>/hearing/", views.hearing, name="hearing"),
    path("staff/c/<str:reference>/materials/", views.materials, name="materials"),
    path("staff/c/<str:reference>/hide-statement/", views.hide_statement, name="hide_statement"),
]
