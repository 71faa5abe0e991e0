"""What the calendar pages show: the period (day, week, month), whose schedule (one's own, an
employee's or a unit's, within one's scope), the activities in it and where each sits on the grid.

Rows come only through `Activity.objects.visible_to(user, "view")`: the employee and unit pickers
offer the people and units the user's scope reaches, and a pick outside it is refused by the view,
but even a forged pick could show nothing the user may not see."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from core.lookups import values_in
from org.models import Employee, OrgUnit, Scope
from org.permissions import granted_scopes, has_perm, people_in_units, subordinate_ids, unit_ids

from .models import Activity, ActivityKind, ActivityStatus

VIEWS = ("day", "week", "month")
QUARTERS = 96  # the day grid is drawn in quarter hours (calendar.css has a class per position)
MAX_LANES = 4  # entries overlapping beyond this share the last lane
MONTH_PER_DAY = 3  # entries listed in a month cell before "+N more"
MAX_ROWS = 2000  # a team's month can be large; beyond this the page says it shows the first ones
DEFAULT_MINUTES = 30  # an entry without an end is drawn this long


@dataclass
class Period:
    view: str
    anchor: datetime.date
    start: datetime.date  # first day shown
    end: datetime.date  # day after the last one shown
    previous: datetime.date
    following: datetime.date

    @property
    def days(self):
        return [self.start + datetime.timedelta(days=n) for n in range((self.end - self.start).days)]

    @property
    def weeks(self):
        days = self.days
        return [days[n:n + 7] for n in range(0, len(days), 7)]


def period_for(view, anchor):
    """The days a `view` shows around `anchor`; weeks start on Monday (as in China)."""
    if view == "day":
        one = datetime.timedelta(days=1)
        return Period(view, anchor, anchor, anchor + one, anchor - one, anchor + one)
    if view == "week":
        start = anchor - datetime.timedelta(days=anchor.weekday())
        week = datetime.timedelta(days=7)
        return Period(view, anchor, start, start + week, anchor - week, anchor + week)
    first = anchor.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    start = first - datetime.timedelta(days=first.weekday())
    last = following - datetime.timedelta(days=1)
    end = last + datetime.timedelta(days=7 - last.weekday())
    return Period(view, anchor, start, end, previous, following)


def local_midnight(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


# --- Whose calendar ---------------------------------------------------------------------------
def reachable_people(user):
    """Employees whose own activities the user's view scope reaches (the employee picker): the user,
    their reports (subordinates scope), their units' people (unit / subtree) or everyone (all)."""
    scopes = granted_scopes(user, Activity, "view") if has_perm(user, Activity, "view") else set()
    people = Employee.objects.filter(is_active=True)
    if Scope.ALL in scopes:
        return people
    ids = {user.pk}
    if Scope.SUBORDINATES in scopes:
        ids |= subordinate_ids(user)
    if Scope.UNIT in scopes or Scope.SUBTREE in scopes:
        ids |= people_in_units(user, with_subtree=Scope.SUBTREE in scopes)
    return people.filter(pk__in=ids)


def reachable_units(user):
    """Units whose schedule the user may look at as a whole (the unit picker)."""
    scopes = granted_scopes(user, Activity, "view") if has_perm(user, Activity, "view") else set()
    if Scope.ALL in scopes:
        return OrgUnit.objects.all()
    if Scope.UNIT in scopes or Scope.SUBTREE in scopes:
        return OrgUnit.objects.filter(pk__in=unit_ids(user, with_subtree=Scope.SUBTREE in scopes))
    if Scope.SUBORDINATES in scopes:
        # A department head whose role reaches their reports: their department's calendar as a
        # whole (the rows are still what visible_to lets them see: their people's).
        return OrgUnit.objects.filter(manager=user)
    return OrgUnit.objects.none()


def person_condition(employee_id):
    """Activities someone owns or takes part in. The ones joined as a literal id list (one small
    indexed read first), as activities.access does: `owner_id = … OR id = ANY(…)` is a BitmapOr of
    two index scans, where `OR id IN (subquery)` made PostgreSQL read the whole table (0.8 s)."""
    joined = sorted(Activity.participants.through.objects.filter(employee_id=employee_id)
                    .values_list("activity_id", flat=True))
    return Q(owner_id=employee_id) | values_in("pk", joined) if joined else Q(owner_id=employee_id)


def unit_condition(unit):
    """Activities of a unit and its sub-units (by the unit recorded on the activity)."""
    # A literal list (a subtree is a few units): the (org_unit, starts_at) index then serves the
    # period's range, where a subquery made PostgreSQL hash-join the whole table (0.7 s).
    units = sorted(OrgUnit.objects.filter(Q(pk=unit.pk) | Q(path__startswith=unit.path + "."))
                   .values_list("pk", flat=True))
    return Q(org_unit_id__in=units)


MAX_SPAN = Activity.MAX_SPAN  # a trade show, a site survey: not a quarter-long "activity"


def window_condition(start, end):
    """Activities that touch [start, end): timed or all-day ones by their span, tasks without a
    start by their due time."""
    # Three branches, each a range on one index ((owner | org_unit, starts_at, ends_at, due_at)), so
    # PostgreSQL ORs three precise index scans: starting in the window; started before it (at most
    # MAX_SPAN before, the longest an activity may last) and still running; tasks due in it. The
    # ends_at and due_at tests are checked on the index entries, so only matching rows are read.
    starting = Q(starts_at__gte=start, starts_at__lt=end)
    running = Q(starts_at__gte=start - MAX_SPAN, starts_at__lt=start, ends_at__gt=start)
    due = Q(starts_at__isnull=True, due_at__gte=start, due_at__lt=end)
    return starting | running | due


CALENDAR_FIELDS = ("kind", "subject", "status", "starts_at", "ends_at", "all_day", "due_at", "version", "owner_id",
                   "org_unit_id")
CANDIDATES = 5000  # a team's period up to this many rows is narrowed first, then checked for visibility


def calendar_rows(user, period, *, whose):
    """The activities of `period` for the condition `whose`, at most MAX_ROWS (and whether more)."""
    from org.permissions import Scope, granted_scopes

    start, end = local_midnight(period.start), local_midnight(period.end)
    rows = Activity.objects.filter(window_condition(start, end)).filter(whose).exclude(status=ActivityStatus.CANCELLED)
    if Scope.ALL not in granted_scopes(user, Activity, "view"):
        # Whose rows and when (an indexed range: a department's week is a few hundred rows) is far
        # more selective than who may see them (a head's people's own rows over all time, and the
        # thousands they joined, an OR PostgreSQL can only answer for the whole history before
        # intersecting with the week: 1.3 s on 10,000,000 activities). So the period's rows are
        # taken first and the one permission decision is applied to those ids; past CANDIDATES
        # (a region's month) the single query is no worse.
        ids = list(rows.order_by().values_list("pk", flat=True)[:CANDIDATES + 1])  # unordered: no index walk
        if len(ids) <= CANDIDATES:
            rows = Activity.objects.filter(values_in("pk", ids)) if ids else Activity.objects.none()
    # Only what the grid draws: a team's week is thousands of rows, and building full model
    # instances (every column, the owner's too) was most of the query's time.
    rows = (rows.visible_to(user, "view").with_allowed(user, "change", name="may_change").only(*CALENDAR_FIELDS)
            .order_by("starts_at", "due_at", "pk"))
    found = list(rows[:MAX_ROWS + 1])
    # The owners' names in one small query (a team is a few people), not an Employee per row.
    owners = {person.pk: person for person in Employee.objects.filter(pk__in={a.owner_id for a in found})
              .only("username", "first_name", "last_name")}
    for activity in found:
        activity._state.fields_cache["owner"] = owners.get(activity.owner_id)
    return found[:MAX_ROWS], len(found) > MAX_ROWS


# --- Where each entry goes ----------------------------------------------------------------------
@dataclass
class Entry:
    activity: Activity
    day: datetime.date
    section: str  # "top" (all-day, several days, tasks by due time) or "grid" (timed, by the hour)
    label: str  # the time shown before the subject ("09:30", "截止 18:00"…), or ""
    start_q: int = 0
    span_q: int = 1
    lane: int = 0
    lanes: int = 1
    movable: bool = False
    mode: str = "timed"  # what a drag changes: "timed" (start and end), "days" (whole days), "due"

    @property
    def css(self):
        a = self.activity
        classes = [f"kd-kind-{a.kind}", f"kd-status-{a.status}"]
        if self.section == "grid":
            classes += [f"kd-t-{self.start_q}", f"kd-h-{self.span_q}", f"kd-lanes-{self.lanes}",
                        f"kd-lane-{self.lane}"]
        return " ".join(classes)

    @property
    def sort_key(self):
        a = self.activity
        return (self.section != "top", a.all_day is False, a.starts_at or a.due_at, a.pk)


@dataclass
class Day:
    date: datetime.date
    top: list = field(default_factory=list)
    grid: list = field(default_factory=list)
    in_month: bool = True
    today: bool = False

    @property
    def entries(self):
        return sorted(self.top + self.grid, key=lambda e: e.sort_key)

    @property
    def shown(self):
        return self.entries[:MONTH_PER_DAY]

    @property
    def more(self):
        return max(0, len(self.top) + len(self.grid) - MONTH_PER_DAY)


def _quarter(local_moment, midnight):
    minutes = (local_moment - midnight).total_seconds() / 60
    return max(0, min(QUARTERS, int(minutes // 15)))


def lay_out(rows, period, *, movable_ids=(), due_label="", today=None):
    """Days of `period`, each with its top entries and its grid entries (quarter-hour position and
    lane among the entries it overlaps)."""
    today = today or timezone.localdate()
    days = {d: Day(date=d, in_month=(period.view != "month" or d.month == period.anchor.month), today=d == today)
            for d in period.days}
    # The zone and each day's midnight once (a team's week is thousands of entries).
    zone = timezone.get_current_timezone()
    midnights = {d: local_midnight(d) for d in days}
    default_span = datetime.timedelta(minutes=DEFAULT_MINUTES)
    for activity in rows:
        movable = activity.pk in movable_ids
        if activity.starts_at is None:
            due = activity.due_at.astimezone(zone)
            day = due.date()
            if day in days:
                days[day].top.append(Entry(activity, day, "top", f"{due_label} {due:%H:%M}".strip(),
                                           movable=movable, mode="due"))
            continue
        start = activity.starts_at.astimezone(zone)
        end = activity.ends_at.astimezone(zone) if activity.ends_at else start
        last_day = (end - datetime.timedelta(microseconds=1)).date() if end > start else start.date()
        if activity.all_day or last_day > start.date():
            day, label = start.date(), "" if activity.all_day else f"{start:%H:%M}"
            while day <= last_day:
                if day in days:
                    days[day].top.append(Entry(activity, day, "top", label, movable=movable, mode="days"))
                day += datetime.timedelta(days=1)
            continue
        shown_end = max(end, start + default_span)
        day = start.date()
        if day in days:
            midnight = midnights[day]
            first = _quarter(start, midnight)
            last = max(first + 1, min(QUARTERS, -(-int((shown_end - midnight).total_seconds() / 60) // 15)))
            days[day].grid.append(Entry(activity, day, "grid", f"{start:%H:%M}", start_q=first, span_q=last - first,
                                        movable=movable, mode="timed"))
    for day in days.values():
        _assign_lanes(day.grid)
    return list(days.values())


def _assign_lanes(entries):
    """Side by side where they overlap: each cluster of overlapping entries is split into lanes,
    the first free lane for each entry in start order."""
    entries.sort(key=lambda e: (e.start_q, -e.span_q, e.activity.pk))
    cluster, cluster_end, lane_ends = [], -1, []
    for entry in entries + [None]:
        if entry is None or entry.start_q >= cluster_end:
            for member in cluster:
                member.lanes = min(len(lane_ends), MAX_LANES)
            if entry is None:
                break
            cluster, cluster_end, lane_ends = [], -1, []
        for index, lane_end in enumerate(lane_ends):
            if lane_end <= entry.start_q:
                lane_ends[index] = entry.start_q + entry.span_q
                entry.lane = index
                break
        else:
            lane_ends.append(entry.start_q + entry.span_q)
            entry.lane = len(lane_ends) - 1
        entry.lane = min(entry.lane, MAX_LANES - 1)
        cluster.append(entry)
        cluster_end = max(cluster_end, entry.start_q + entry.span_q)


def movable_ids(user, rows):
    """The entries the user may move (change) — among those shown (calendar_rows marked them)."""
    return {row.pk for row in rows if getattr(row, "may_change", False)}


def is_task(activity):
    return activity.kind == ActivityKind.TASK
