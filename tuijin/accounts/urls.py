from django.urls import path

from tuijin.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change_view, name="password_change"),
    path("tokens/revoke/", views.tokens_revoke_view, name="tokens_revoke"),
    path("login-log/", views.login_log_view, name="login_log"),
    path("locks/<int:pk>/reset/", views.lock_reset_view, name="lock_reset"),
]
