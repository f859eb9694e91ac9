from django.urls import path

from accord.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/code/", views.totp_verify, name="totp_verify"),
    path("login/authenticator/", views.totp_enrol, name="totp_enrol"),
    path("account/password/", views.password_change, name="password_change"),
]
