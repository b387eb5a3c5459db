"""Live calls: audio channels in, masked transcript events and warnings out (see session.py)."""
