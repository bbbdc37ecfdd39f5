from django.urls import path

from minxin.video import views

app_name = "video"
urlpatterns = [path("<str:code>/", views.video_page, name="citizen")]
