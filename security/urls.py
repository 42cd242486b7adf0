from django.contrib.auth import views as auth_views
from django.urls import path

from security import views

urlpatterns = [
    path("accounts/two-factor/", views.two_factor, name="two-factor"),
    path("security/log/", views.security_log, name="security-log"),
    # Password reset by email (Django's own views, templates in registration/).
    path(
        "accounts/password-reset/",
        auth_views.PasswordResetView.as_view(template_name="security/password_reset_form.html"),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="security/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="security/password_reset_confirm.html"
        ),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="security/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]
