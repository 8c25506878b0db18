"""The endpoints of the resources described as data, one module per area of the API.

Multi-request operations are flows; both clients and the Easy facade send these.
"""
