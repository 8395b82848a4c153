"""Staff progress pages, mounted under /progress/."""

from django.urls import path

from . import views

app_name = "progress"

urlpatterns = [
    path("", views.my_projects, name="my-projects"),
    path("projects/<int:project_id>/report/", views.report_form, name="report-form"),
    path("projects/<int:project_id>/history/", views.project_history, name="project-history"),
    path("returned/", views.returned_reports, name="returned"),
    path("review/", views.review_queue, name="review"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/return/", views.return_report, name="return"),
    path("reports/<int:pk>/correct/", views.correct_report, name="correct"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("corrections/<int:pk>/", views.correction_form, name="correction"),
    path("obstacles/", views.obstacles, name="obstacles"),
    path("notifications/", views.notifications, name="notifications"),
    path("xlsx/template/", views.xlsx_template, name="xlsx-template"),
    path("xlsx/upload/", views.xlsx_upload, name="xlsx-upload"),
]
