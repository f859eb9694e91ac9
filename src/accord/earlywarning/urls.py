"""Staff pages of the earlywarning app (included from accord.config.urls)."""

from django.urls import path

from accord.earlywarning import views

app_name = "earlywarning"
urlpatterns = [
    path("", views.alert_list, name="alert_list"),
    path("alerts/<int:pk>/", views.alert_detail, name="alert_detail"),
    path("alerts/<int:pk>/act/", views.alert_act, name="alert_act"),
    path("queue/", views.queue, name="queue"),
    path("aggregates/", views.aggregates, name="aggregates"),
]
