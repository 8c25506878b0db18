"""The fake's server core: requests in, answers out.

Requests and answers as data (`_wire`), the route table (`_routes`) and its Werkzeug-like matcher
(`_router`), the in-process transport and the HTTPS server, what Apache does in front of the application
(`_apache`), the deliberate differences from the real server, HTML pages and static documents.
"""
