from django.urls import path

from minxin.insight import views

app_name = "insight"
urlpatterns = [
    path("hotspots/", views.hotspots, name="hotspots"),
]
