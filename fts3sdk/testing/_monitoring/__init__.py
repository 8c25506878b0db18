"""The monitoring messages of the fake.

The event log its moving files emit, and a private ActiveMQ broker for the tests that consume them.
"""
