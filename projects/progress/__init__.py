"""The monthly progress workflow of app `projects`, kept apart from the project register it reports on."""
