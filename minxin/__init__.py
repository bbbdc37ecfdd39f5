"""Minxin (民心): receive, route, handle, supervise and learn from citizens' requests."""
