"""Early warning inside the platform: indicators, detection runs, alerts, group disputes (issue 7)."""
