"""Users, sign-in, two-factor authentication and password reset."""
