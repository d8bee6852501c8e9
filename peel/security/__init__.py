"""Who may do what, and how the site defends itself: client addresses behind a proxy, response headers, the
staff sign-in (throttling, two-factor authentication, its log) and the security contact."""
