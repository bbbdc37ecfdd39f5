from django.urls import path

from minxin.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("demo/sms/", views.demo_sms, name="demo-sms"),
]
