from django.urls import path

from minxin.sso import views

app_name = "sso"
urlpatterns = [
    path("staff/", views.StaffStart.as_view(), name="staff"),
    path("citizen/", views.Start.as_view(), name="citizen"),
    path("callback/", views.callback, name="callback"),
]
