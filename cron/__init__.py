"""Scheduling: the APScheduler daemon behind ``errata schedule``, and the deployment files beside it."""
