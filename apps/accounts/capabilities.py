"""One predicate per capability. HTML views, API views, navigation and the
admin all ask these, so a role means the same everywhere.

Later domains add their capabilities here, named `can_<verb>_<object>`.
"""

from typing import Any

from apps.accounts.models import Role
from apps.accounts.scope import user_is_scoped


def _has_role(user: Any, *roles: str) -> bool:
    return bool(user and user.is_authenticated and user.is_active and getattr(user, "role", None) in roles)


def can_use_app(user: Any) -> bool:
    """Any signed-in member of the company."""
    return _has_role(user, Role.ADMIN, Role.MANAGER, Role.FRONTLINE)


def can_manage_users(user: Any) -> bool:
    return _has_role(user, Role.ADMIN)


def can_manage_company_settings(user: Any) -> bool:
    return _has_role(user, Role.ADMIN)


def can_view_audit_log(user: Any) -> bool:
    """Who did what in the company: sign-ins, user and settings changes, exports, erasures."""
    return _has_role(user, Role.ADMIN)


def can_manage_retention(user: Any) -> bool:
    """How long personal data is kept, and switching its nightly anonymisation on."""
    return _has_role(user, Role.ADMIN)


def can_view_dashboards(user: Any) -> bool:
    return _has_role(user, Role.ADMIN, Role.MANAGER)


def can_manage_cx_model(user: Any) -> bool:
    """Service-path maps, personas, customers, surveys."""
    return _has_role(user, Role.ADMIN, Role.MANAGER)


def can_view_personas(user: Any) -> bool:
    """Everyone who serves customers may read the personas; only managers edit them."""
    return _has_role(user, Role.ADMIN, Role.MANAGER, Role.FRONTLINE)


def can_view_service_paths(user: Any) -> bool:
    """Read the maps; frontline staff see what good looks like at their touchpoints."""
    return _has_role(user, Role.ADMIN, Role.MANAGER, Role.FRONTLINE)


def can_manage_locations(user: Any) -> bool:
    """Regions, locations and who works at each. Not a manager scoped to some of them: moving a location
    into their own region would widen their scope."""
    return _has_role(user, Role.ADMIN) or (_has_role(user, Role.MANAGER) and not user_is_scoped(user))


def can_manage_alerts(user: Any) -> bool:
    """Alert destinations, rules and their delivery log. Not a manager scoped to some locations: a rule
    over the whole company, or a destination's log, would show them other locations' answers."""
    return _has_role(user, Role.ADMIN) or (_has_role(user, Role.MANAGER) and not user_is_scoped(user))


def can_manage_themes(user: Any) -> bool:
    """The themes of the comments (words and phrases), their figures and the suggested words. A scoped
    manager too: a theme holds no answers, and its figures and suggestions are read within their scope."""
    return _has_role(user, Role.ADMIN, Role.MANAGER)


def can_log_encounters(user: Any) -> bool:
    return _has_role(user, Role.ADMIN, Role.MANAGER, Role.FRONTLINE)


def can_work_cases(user: Any) -> bool:
    """Follow up the cases assigned to oneself; managers and admins see every case."""
    return _has_role(user, Role.ADMIN, Role.MANAGER, Role.FRONTLINE)


def can_export_personal_data(user: Any) -> bool:
    """Prepare and download everything held about one customer (GDPR access and portability)."""
    return _has_role(user, Role.ADMIN, Role.MANAGER)


def can_erase_customers(user: Any) -> bool:
    """Erase a customer's personal data for good (GDPR Art. 17)."""
    return _has_role(user, Role.ADMIN)


def can_use_admin_site(user: Any) -> bool:
    """The admin site lists whole tables: not for a manager scoped to some locations."""
    return _has_role(user, Role.ADMIN) or (_has_role(user, Role.MANAGER) and not user_is_scoped(user))


def can_manage_initiatives(user: Any) -> bool:
    """Record improvements and read their measured effect (a scoped manager within their locations)."""
    return _has_role(user, Role.ADMIN, Role.MANAGER)


def capabilities_for(user: Any) -> dict[str, bool]:
    """Every capability of `user`, by name, for templates and the /me endpoint."""
    return {
        "can_use_app": can_use_app(user),
        "can_manage_users": can_manage_users(user),
        "can_manage_company_settings": can_manage_company_settings(user),
        "can_view_audit_log": can_view_audit_log(user),
        "can_manage_retention": can_manage_retention(user),
        "can_view_dashboards": can_view_dashboards(user),
        "can_manage_cx_model": can_manage_cx_model(user),
        "can_view_personas": can_view_personas(user),
        "can_view_service_paths": can_view_service_paths(user),
        "can_manage_locations": can_manage_locations(user),
        "can_manage_alerts": can_manage_alerts(user),
        "can_manage_themes": can_manage_themes(user),
        "can_log_encounters": can_log_encounters(user),
        "can_work_cases": can_work_cases(user),
        "can_export_personal_data": can_export_personal_data(user),
        "can_erase_customers": can_erase_customers(user),
        "can_use_admin_site": can_use_admin_site(user),
        "can_manage_initiatives": can_manage_initiatives(user),
    }
