from django.urls import path

from . import views

app_name = "programs"

urlpatterns = [
    path("", views.module_list, name="module_list"),
    path("moduler/<uuid:module_uuid>/", views.module_detail, name="module_detail"),
    path("moduler/<uuid:module_uuid>/sok/", views.enrollment_request, name="enrollment_request"),
    path("moduler/<uuid:module_uuid>/kalender.ics", views.module_ics, name="module_ics"),
    path("okter/<uuid:session_uuid>/kalender.ics", views.session_ics, name="session_ics"),
    path("okter/<uuid:session_uuid>/oppmote/", views.session_register, name="session_register"),
    path("pameldinger/<uuid:enrollment_uuid>/", views.enrollment_detail,
         name="enrollment_detail"),
    path("pameldinger/<uuid:enrollment_uuid>/godkjenn/", views.enrollment_approve,
         name="enrollment_approve"),
    path("pameldinger/<uuid:enrollment_uuid>/avsla/", views.enrollment_decline,
         name="enrollment_decline"),
    path("pameldinger/<uuid:enrollment_uuid>/avmeld/", views.enrollment_cancel,
         name="enrollment_cancel"),
    path("godkjenning/", views.approvals, name="approvals"),
    path("godkjenning/overlat/", views.approval_hand_over, name="approval_hand_over"),
    path("program/<slug:slug>/", views.programme_detail, name="programme_detail"),
    path("samlinger/<uuid:gathering_uuid>/kalender.ics", views.gathering_ics,
         name="gathering_ics"),
]
