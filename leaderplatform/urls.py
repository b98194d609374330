from django.urls import path

from . import views

app_name = "leaderplatform"

urlpatterns = [
    path("", views.platform, name="platform"),
    path("egenvurdering/", views.assessment_start, name="assessment_start"),
    path("egenvurdering/<uuid:assessment_uuid>/", views.assessment_detail, name="assessment"),
    path("egenvurdering/<uuid:assessment_uuid>/del/", views.assessment_share,
         name="assessment_share"),
    path("egenvurdering/<uuid:assessment_uuid>/omrader/", views.assessment_focus,
         name="assessment_focus"),
    path("egenvurdering/<uuid:assessment_uuid>/360/", views.assessment_feedback,
         name="assessment_feedback"),
    path("360/<uuid:invitation_uuid>/", views.feedback_rate, name="feedback_rate"),
    path("<uuid:version_uuid>/", views.version_detail, name="version"),
    path("<uuid:version_uuid>/pdf/", views.platform_pdf, name="platform_pdf"),
    path("<uuid:version_uuid>/forslag/", views.proposals, name="proposals"),
    path("<uuid:version_uuid>/sortering/", views.cluster, name="cluster"),
    path("<uuid:version_uuid>/vurdering/", views.rate, name="rate"),
    path("<uuid:version_uuid>/resultat/", views.results, name="results"),
    path("<uuid:version_uuid>/egenvurderinger/", views.aggregates, name="aggregates"),
    path("<uuid:version_uuid>/evaluering/", views.evaluation_instrument,
         name="evaluation_instrument"),
]
