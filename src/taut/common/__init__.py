"""Helpers every app may use and that use no app: the layer below the Django apps.

Nothing here imports an app (`taut.<app>`); a test of the layering keeps it so.
"""
