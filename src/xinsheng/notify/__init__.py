"""Customer notifications (通知): one outbox that carries case progress and, later, survey
invitations to the customer's preferred channel through pluggable adapters.

Writes (enqueue, requeue, cancel) in ``actions``, reads in ``service``, sending in
``delivery``; adapters (webhook, file, log and a bank's plug-ins) in ``adapters``.
"""
