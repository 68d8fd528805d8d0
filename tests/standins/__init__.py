"""Local stand-ins for the webinar platforms (Zoom, Microsoft Graph): real HTTP servers on
127.0.0.1 that answer as the platforms document, keep state and can be scripted to fail."""
