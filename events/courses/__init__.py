"""Courses: attendance per session, the check-in and its QR codes, the sign-in list."""
