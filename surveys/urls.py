from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    path("", views.index, name="index"),
    path("evalueringer/", views.evaluations, name="evaluations"),
    path("svar/<str:token>/", views.answer_token, name="answer_token"),
    path("takk/", views.thanks, name="thanks"),
    path("<uuid:round_id>/svar/", views.answer, name="answer"),
    path("<uuid:round_id>/rapport/", views.report, name="report"),
    path("<uuid:round_id>/rapport/pdf/", views.report_pdf, name="report_pdf"),
    path("<uuid:round_id>/rapport/csv/", views.report_csv, name="report_csv"),
]
