"""Pages of the grid app (included from accord.config.urls)."""

from django.urls import path

from accord.grid import views

app_name = "grid"
urlpatterns = [
    path("", views.workbench, name="workbench"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("updates/", views.updates, name="updates"),
    path("fengqiao/", views.fengqiao, name="fengqiao"),
    path("new-here/", views.new_here, name="new_here"),
    path("tasks/", views.task_board, name="tasks"),
]
