from django.urls import path

from minxin.video import staff_views

app_name = "staff-video"
urlpatterns = [
    path("", staff_views.session_list, name="list"),
    path("<int:session_id>/", staff_views.session_page, name="session"),
    path("<int:session_id>/<slug:action>/", staff_views.act, name="act"),
]
