"""Appointments (Rasa adapter): the booking form. The conversation lives in
``actions.core.booking``, the slot store in ``actions.core.scheduling``."""
