from django.urls import path

from accord.web import dashboard, views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/assign/", views.case_bulk_assign, name="case_bulk_assign"),
    path("cases/<str:reference>/", views.case_detail, name="case_detail"),
    path("cases/<str:reference>/act/", views.case_act, name="case_act"),
    path("cases/<str:reference>/files/", views.case_upload, name="case_upload"),
    path(
        "cases/<str:reference>/files/<int:pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path("file/", views.file_case, name="file_case"),
    path("file/receipt/<str:reference>/", views.file_receipt, name="file_receipt"),
    path("track/", views.track, name="track"),
    path("my-cases/", views.my_cases, name="my_cases"),
    path("my-cases/<str:reference>/", views.my_case, name="my_case"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("dashboard/data.csv", dashboard.dashboard_csv, name="dashboard_csv"),
    path("dashboard/areas.geojson", dashboard.dashboard_geojson, name="dashboard_geojson"),
]
