"""The patient's side: the walkthrough in the patient's language, step by step, with their own
questions, what matters to them, the readiness check and the review (blueprint "walkthrough").

It may import record, web, discussions and the foundations (config, models, content, i18n,
audit); never staff, cli or demo.
"""
