"""The switchable gating policy (one row)."""

import logging

from django.db import transaction

from production.models import ProductionPolicy

logger = logging.getLogger(__name__)


@transaction.atomic
def policy_update(*, auto_dispatch: bool, actor=None) -> ProductionPolicy:
    policy = ProductionPolicy.load()
    policy = ProductionPolicy.objects.select_for_update().get(pk=policy.pk)
    if policy.auto_dispatch != auto_dispatch:
        policy.auto_dispatch = auto_dispatch
        policy.save()
        logger.info("production policy auto_dispatch=%s by %s", auto_dispatch, actor)
    return policy
