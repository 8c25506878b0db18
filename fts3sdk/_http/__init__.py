"""Below the clients: connections, retries and what a failure below HTTP means.

Connections over a few small pools, retries as a transport wrapper, transport failures read into what they
mean, and ``import httpx`` kept from importing httpx's command line.
"""
