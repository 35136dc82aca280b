"""Clinic FAQ: the staff-edited knowledge base (data/faq) and a pure retriever over it.

``knowledge`` loads and validates the entries, ``retriever`` finds the best entry for a patient's
question (with a confidence that errs towards "not sure"), ``answer`` turns that into what the
patient sees, routing medical questions to the symptom check instead.
"""
