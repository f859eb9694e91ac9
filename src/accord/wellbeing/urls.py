"""Pages of the wellbeing app (included from accord.config.urls at /wellbeing/)."""

from django.urls import path

from accord.wellbeing import views

app_name = "wellbeing"
urlpatterns = [
    path("help/", views.help_page, name="help"),
    path("danger/", views.danger, name="danger"),
    path("request/", views.request_create, name="request"),
    path("screening/<str:instrument>/", views.screening_page, name="screening"),
    path("withdraw/", views.withdraw, name="withdraw"),
    path("board/", views.board, name="board"),
    path("alerts/<str:reference>/act/", views.alert_act, name="alert_act"),
    path("requests/<str:reference>/", views.request_detail, name="request_detail"),
]
