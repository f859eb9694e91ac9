from django.urls import path

from accord.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/<str:reference>/", views.case_detail, name="case_detail"),
    path("cases/<str:reference>/act/", views.case_act, name="case_act"),
    path("file/", views.file_case, name="file_case"),
    path("track/", views.track, name="track"),
]
