from django.urls import path

from hoshin.web import accounts, twofactor, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("login/", accounts.LoginView.as_view(), name="login"),
    path("login/demo/", accounts.demo_login, name="demo_login"),
    path("login/verify/", twofactor.verify, name="login_verify"),
    path("account/two-factor/", twofactor.manage, name="two_factor"),
    path("logout/", accounts.LogoutView.as_view(), name="logout"),
    path("account/password/", accounts.PasswordChangeView.as_view(), name="password_change"),
    path("account/password/done/", accounts.PasswordChangeDoneView.as_view(),
         name="password_change_done"),
    path("password-reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", accounts.PasswordResetDoneView.as_view(),
         name="password_reset_done"),
    path("password-reset/<uidb64>/<token>/", accounts.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("password-reset/complete/", accounts.PasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
]
