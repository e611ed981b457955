from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from config.errors import InvalidInput
from config.saving import save_unique
from partners.models import Notification, Partner, PartnerMembership
from partners.selectors import partner_users_emails

User = get_user_model()
# The login is the email address, kept as the username: the longest address a partner user can have.
LOGIN_EMAIL_MAX_LENGTH = User._meta.get_field("username").max_length


def normalize_email(email: str) -> str:
    return email.strip().lower()


def _unique_handle(name: str) -> str:
    base = slugify(name)[:90] or "partner"
    handle, n = base, 2
    while Partner.objects.filter(handle=handle).exists():
        handle, n = f"{base}-{n}", n + 1
    return handle


def _save_partner(partner: Partner, update_fields: list[str] | None = None) -> Partner:
    return save_unique(partner, message=f"A partner with the handle {partner.handle!r} already exists.",
                       field="handle", update_fields=update_fields)


DERIVING_ATTEMPTS = 20


def _save_with_derived_handle(partner: Partner, name: str) -> Partner:
    """Save a new partner under a handle derived from its name. A handle the client chose and that is taken is a
    400; a derived one taken by a concurrent create of the same name is derived again (it was free when read)."""
    for _ in range(DERIVING_ATTEMPTS - 1):
        partner.handle = _unique_handle(name)
        try:
            with transaction.atomic():
                partner.save()
            return partner
        except IntegrityError:
            if not Partner.objects.filter(handle=partner.handle).exists():
                raise  # another rule refused the row: not a race for the handle
            continue
    partner.handle = _unique_handle(name)
    return _save_partner(partner)


@transaction.atomic
def partner_user_create(
    *, partner: Partner, email: str, password: str, role: str = PartnerMembership.Role.MEMBER,
    first_name: str = "", last_name: str = "",
) -> PartnerMembership:
    """A login for a partner's person. The username is the email address."""
    email = normalize_email(email)
    if len(email) > LOGIN_EMAIL_MAX_LENGTH:
        raise InvalidInput(f"A login's email address can be at most {LOGIN_EMAIL_MAX_LENGTH} characters.",
                           field="email")
    if User.objects.filter(username__iexact=email).exists() or User.objects.filter(email__iexact=email).exists():
        raise InvalidInput(f"A user with the email {email} already exists.", field="email")
    user = User(username=email, email=email, first_name=first_name, last_name=last_name)
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        raise InvalidInput(" ".join(exc.messages), field="password") from exc
    user.set_password(password)
    save_unique(user, message=f"A user with the email {email} already exists.", field="email")
    return PartnerMembership.objects.create(user=user, partner=partner, role=role)


@transaction.atomic
def partner_create(
    *, name: str, email: str, owner: dict, handle: str = "", roles: list[str] | None = None, is_active: bool = True,
    auto_accept: bool = False, lead_time_days: int = 14,
) -> Partner:
    """A partner together with its owner user, or nothing at all."""
    partner = Partner(
        name=name, email=normalize_email(email), handle=handle,
        roles=sorted(set(roles or [])), is_active=is_active, auto_accept=auto_accept, lead_time_days=lead_time_days,
    )
    if handle:
        _save_partner(partner)
    else:
        _save_with_derived_handle(partner, name)
    try:
        partner_user_create(
            partner=partner, email=owner["email"], password=owner["password"], role=PartnerMembership.Role.OWNER,
            first_name=owner.get("first_name", ""), last_name=owner.get("last_name", ""),
        )
    except InvalidInput as exc:
        raise InvalidInput(exc.message, field="owner") from exc
    return partner


PARTNER_EDITABLE_FIELDS = ("name", "handle", "email", "roles", "is_active", "auto_accept", "lead_time_days")


@transaction.atomic
def partner_update(*, partner: Partner, **changes) -> Partner:
    """Change a partner's details; the email is normalised and roles kept as a sorted set, as on create."""
    unknown = set(changes) - set(PARTNER_EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput(f"Cannot change {', '.join(sorted(unknown))}.")
    if "email" in changes:
        changes["email"] = normalize_email(changes["email"])
    if "roles" in changes:
        changes["roles"] = sorted(set(changes["roles"] or []))
    # The row as it is now, locked, and only the changes written: staff's deactivation stays (save_unique).
    partner.refresh_from_db(from_queryset=Partner.objects.select_for_update())
    for field, value in changes.items():
        setattr(partner, field, value)
    return _save_partner(partner, update_fields=[*changes, "updated_at"])


@transaction.atomic
def partner_user_set_role(*, membership: PartnerMembership, role: str) -> PartnerMembership:
    if role not in PartnerMembership.Role.values:
        raise InvalidInput(f"Unknown role {role!r}.", field="role")
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def partner_user_remove(*, membership: PartnerMembership) -> None:
    """A person leaves a partner: the membership goes and the login is deactivated (the user row stays for the log)."""
    user = membership.user
    membership.delete()
    user.is_active = False
    user.save(update_fields=["is_active"])


@transaction.atomic
def partner_notify(*, partner: Partner, key: str, title: str, body: str, link: str = ""):
    """Tell a partner something: one in-app notification and one email, however often called.

    ``key`` identifies the event; a job delivered twice finds the row it wrote
    (unique constraint) and its ``emailed_at``, under a row lock. The title is one line (it is the email's
    subject, where a line break is refused): a design's name or a role with one in it is joined up.
    """
    title = " ".join(title.split())
    try:
        with transaction.atomic():
            Notification.objects.get_or_create(partner=partner, key=key, defaults={"title": title, "body": body, "link": link})
    except IntegrityError:
        pass  # a concurrent delivery wrote it first
    notification = Notification.objects.select_for_update().get(partner=partner, key=key)
    if notification.emailed_at is None:
        recipients = partner_users_emails(partner) or [partner.email]
        url = f"{settings.SITE_URL.rstrip('/')}{link}" if link else ""
        send_mail(title, f"{body}\n\n{url}".strip(), None, recipients)
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return notification


@transaction.atomic
def notification_open(*, partner: Partner, notification_id: int) -> Notification:
    """``partner`` opens one of its notifications: it is read from then on (idempotent). Another's: DoesNotExist."""
    notification = Notification.objects.get(pk=notification_id, partner=partner)
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())
    return notification


def notifications_mark_read(*, partner: Partner) -> int:
    """Mark every unread notification of ``partner`` read; returns how many changed."""
    return Notification.objects.filter(partner=partner, read_at__isnull=True).update(read_at=timezone.now())
