"""Music-video analysis: a Django app around the plain-Python ``analysis`` package."""
