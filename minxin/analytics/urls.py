from django.urls import path

from minxin.analytics import report, views

app_name = "analytics"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("requests/", views.requests_behind, name="requests"),
    path("export/<slug:key>.xlsx", views.export, name="export"),
    path("report.pdf", report.monthly_report, name="report"),
]
