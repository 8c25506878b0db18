"""What the ``fts3sdk`` command reads besides its options: bulk files, and input problems in the user's words."""
