"""Composing network groups: propose, move, rename, confirm.

Every write locks the plan row first (``select_for_update``) and then checks
the rules against fresh data, so two O&F administrators moving people into the
same group cannot together push it over the maximum. A leader's single group
per programme is also a database constraint.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Leader, Unit, User
from lib.audit import audit_log
from programs.models import Programme, ProgrammeParticipant

from ..compose import ComposeError, Mix, Person, compose, mix_of, reporting_clash
from ..models import NetworkGroup, NetworkMembership, NetworkPlan, PlanStatus

# Names like Seljord's groups; more groups than names get a number.
GROUP_NAMES = [
    "Stjernelaget", "Blåveis", "Hvitveis", "Nordlyset", "Fjellrosa", "Tyttebæret",
    "Måltrosten", "Lyngen", "Bjørka", "Moltebæret", "Kompasset", "Fyrlykta", "Brua",
    "Rognebæret", "Solsikka", "Kløveret", "Vardene", "Ospa", "Furua", "Havørna",
]
MAX_GROUP_SIZE = 12


def group_name(index: int) -> str:
    base = GROUP_NAMES[index % len(GROUP_NAMES)]
    rounds = index // len(GROUP_NAMES)
    return base if rounds == 0 else f"{base} {rounds + 1}"


def lock_plan(plan: NetworkPlan) -> NetworkPlan:
    """Lock the plan row for the rest of the transaction and return it fresh."""
    return (NetworkPlan.objects.select_for_update(of=("self",)).select_related("programme")
            .get(pk=plan.pk))


def people_of(plan: NetworkPlan) -> list[Person]:
    """The programme's participants as the composer sees them (one query)."""
    rows = (Leader.objects.filter(programme_participations__programme_id=plan.programme_id)
            .values_list("pk", "unit__path", "unit_id", "level", "leader_above_id")
            .order_by("pk"))
    return [Person(id=pk, area=path[:Unit.steplen], unit=unit_id, level=level, above=above)
            for pk, path, unit_id, level, above in rows]


def _names(ids: list[int]) -> dict[int, str]:
    return dict(Leader.objects.filter(pk__in=ids).values_list("pk", "user__full_name"))


@dataclass
class GroupProposal:
    plan: NetworkPlan
    groups: list[tuple[NetworkGroup, Mix]]
    warnings: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        count = len(self.groups)
        if not count:
            return ""
        areas = sum(m.areas for _g, m in self.groups) / count
        levels = sum(m.levels for _g, m in self.groups) / count
        return ngettext(
            "Proposed %(count)d group. It spans %(areas).1f service areas and %(levels).1f "
            "leader levels on average.",
            "Proposed %(count)d groups. They span %(areas).1f service areas and %(levels).1f "
            "leader levels on average.", count) % {"count": count, "areas": areas,
                                                   "levels": levels}


def network_plan_create(*, programme: Programme, actor: User | None) -> NetworkPlan:
    """Start network groups for a programme. Guarantees one plan per programme; the advisers
    of the programme's gatherings become its facilitators and their place the usual one."""
    with transaction.atomic():
        Programme.objects.select_for_update().filter(pk=programme.pk).first()
        if NetworkPlan.objects.filter(programme=programme).exists():
            raise ValidationError(_("This programme already has network groups."),
                                  code="duplicate")
        # Network meetings are usually held where the gatherings are; O&F can change it.
        place = (programme.gatherings.exclude(place="").order_by("date")
                 .values_list("place", flat=True).first()) or ""
        plan = NetworkPlan.objects.create(programme=programme, default_place=place)
        advisers = (User.objects.filter(advised_gatherings__programme=programme,
                                        is_facilitator=True, is_active=True).distinct())
        plan.facilitators.set(advisers)
        audit_log(organisation=programme.organisation, actor=actor,
                  action="networks.plan_created", obj=plan,
                  summary=str(programme))
        return plan


def network_groups_propose(*, programme: Programme, actor: User | None,
                           min_size: int | None = None,
                           max_size: int | None = None) -> GroupProposal:
    """Replace the draft groups with a fresh proposal from the programme's participants.

    Guarantees: every participant is in exactly one group; no group has more
    than ``max_size`` members and sizes differ by at most one; no leader shares
    a group with their leader above or a direct report; the same participants
    give the same groups. Refused once the groups are confirmed; nothing is
    changed when refused.
    """
    with transaction.atomic():
        Programme.objects.select_for_update().filter(pk=programme.pk).first()
        plan, _created = NetworkPlan.objects.get_or_create(programme=programme)
        plan = lock_plan(plan)
        if not plan.is_draft:
            raise ValidationError(_("The groups are confirmed and can no longer be proposed "
                                    "again."), code="confirmed")
        min_size = plan.min_size if min_size is None else min_size
        max_size = plan.max_size if max_size is None else max_size
        if not 2 <= min_size <= max_size <= MAX_GROUP_SIZE:
            raise ValidationError(_("Choose group sizes between 2 and %(max)d, the smallest no "
                                    "larger than the largest.") % {"max": MAX_GROUP_SIZE},
                                  code="invalid_group_size")
        people = people_of(plan)
        if len(people) < min_size:
            raise ValidationError(_("The programme has %(count)d participants; a network group "
                                    "needs at least %(min)d.") % {"count": len(people),
                                                                  "min": min_size},
                                  code="too_few_participants")
        try:
            composed = compose(people, max_size=max_size)
        except ComposeError as exc:
            name = _names([exc.person.id]).get(exc.person.id, "")
            raise ValidationError(_("%(name)s cannot be placed without sharing a group with "
                                    "their leader above or a direct report. Try a larger group "
                                    "size.") % {"name": name}, code="cannot_place") from exc
        plan.groups.all().delete()
        plan.min_size, plan.max_size = min_size, max_size
        plan.save(update_fields=["min_size", "max_size"])
        groups = NetworkGroup.objects.bulk_create(
            [NetworkGroup(plan=plan, name=group_name(i), position=i)
             for i in range(len(composed))])
        if any(g.pk is None for g in groups):  # backends that cannot return ids
            groups = list(plan.groups.order_by("position"))
        NetworkMembership.objects.bulk_create(
            [NetworkMembership(plan=plan, group=group, leader_id=person.id)
             for group, members in zip(groups, composed, strict=True) for person in members])
        result = GroupProposal(plan, [(g, mix_of(m)) for g, m in zip(groups, composed,
                                                                       strict=True)])
        small = [g.name for g, m in result.groups if m.size < min_size]
        if small:
            result.warnings.append(
                ngettext("%(names)s has fewer members than %(min)d: there are not enough "
                         "participants to fill every group.",
                         "%(names)s have fewer members than %(min)d: there are not enough "
                         "participants to fill every group.", len(small))
                % {"names": ", ".join(small), "min": min_size})
        audit_log(organisation=programme.organisation, actor=actor,
                  action="networks.groups_proposed", obj=plan,
                  summary=f"{programme}: {len(groups)}",
                  data={"participants": len(people), "max_size": max_size})
        return result


def network_member_move(*, plan: NetworkPlan, leader: Leader, to_group: NetworkGroup,
                        actor: User | None) -> NetworkMembership:
    """Move a participant into another group (or place one who has none, such as a late
    joiner after the groups are confirmed).

    Guarantees, under the plan's row lock: the target group stays within the
    maximum size and never holds the leader together with their leader above
    or a direct report. Nothing changes when a rule is broken. A newcomer who
    is busy at one of the group's planned meetings makes it a conflict on the
    meeting plan.
    """
    with transaction.atomic():
        plan = lock_plan(plan)
        if to_group.plan_id != plan.pk:
            raise ValidationError(_("Choose a group of this programme."), code="other_plan")
        if not ProgrammeParticipant.objects.filter(programme_id=plan.programme_id,
                                                   leader=leader).exists():
            raise ValidationError(_("%(name)s does not take part in the programme.")
                                  % {"name": leader.name}, code="not_participant")
        membership = NetworkMembership.objects.filter(plan=plan, leader=leader).first()
        if membership is not None and membership.group_id == to_group.pk:
            raise ValidationError(_("%(name)s is already in «%(group)s».")
                                  % {"name": leader.name, "group": to_group.name},
                                  code="already_member")
        others = list(Leader.objects.filter(network_memberships__group=to_group)
                      .values_list("pk", "leader_above_id", "user__full_name"))
        # Every reason at once, so O&F need not try again to find the next one.
        errors: list[ValidationError] = []
        if len(others) >= plan.max_size:
            errors.append(ValidationError(
                _("«%(group)s» already has %(count)d members, the most a group may have.")
                % {"group": to_group.name, "count": len(others)}, code="group_full"))
        for pk, above, name in others:
            pair = ((leader.name, name) if above == leader.pk
                    else (name, leader.name) if leader.leader_above_id == pk else None)
            if pair is not None:
                errors.append(ValidationError(
                    _("%(above)s is the leader above %(report)s; they cannot be in the same "
                      "network group.") % {"above": pair[0], "report": pair[1]},
                    code="reporting_line"))
        if errors:
            raise ValidationError(errors)
        if membership is None:
            membership = NetworkMembership.objects.create(plan=plan, group=to_group,
                                                          leader=leader)
        else:
            membership.group = to_group
            membership.save(update_fields=["group"])
        audit_log(organisation=plan.programme.organisation, actor=actor,
                  action="networks.member_moved", obj=to_group,
                  summary=f"{leader.name} → {to_group.name}",
                  data={"leader": leader.pk})
        return membership


def _check_name(plan: NetworkPlan, name: str, exclude: int | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationError(_("Give the group a name."), code="required")
    clash = (NetworkGroup.objects.filter(plan=plan, name__iexact=name).exclude(pk=exclude)
             .values_list("name", flat=True).first())
    if clash is not None:
        raise ValidationError(_("Another group in this programme is already called "
                                "«%(name)s».") % {"name": clash}, code="duplicate_name")
    return name


def network_group_create(*, plan: NetworkPlan, name: str, actor: User | None) -> NetworkGroup:
    """Add an empty group, with a name no other group of the programme has."""
    with transaction.atomic():
        plan = lock_plan(plan)
        name = _check_name(plan, name)
        last = plan.groups.aggregate(last=Max("position"))["last"]
        group = NetworkGroup.objects.create(plan=plan, name=name,
                                            position=0 if last is None else last + 1)
        audit_log(organisation=plan.programme.organisation, actor=actor,
                  action="networks.group_created", obj=group, summary=name)
        return group


def network_group_update(*, group: NetworkGroup, name: str, facilitator: User | None,
                         actor: User | None) -> NetworkGroup:
    """Rename a group or change its facilitator; names stay unique within the programme and
    the facilitator is one of the municipality's facilitators."""
    with transaction.atomic():
        plan = lock_plan(group.plan)
        group = NetworkGroup.objects.select_for_update().get(pk=group.pk, plan=plan)
        name = _check_name(plan, name, exclude=group.pk)
        if facilitator is not None and (
                not facilitator.is_facilitator
                or facilitator.organisation_id != plan.programme.organisation_id):
            raise ValidationError(_("Choose a facilitator of the municipality."),
                                  code="invalid_facilitator")
        old = group.name
        group.name = name
        group.facilitator = facilitator
        try:
            with transaction.atomic():
                group.save(update_fields=["name", "facilitator"])
        except IntegrityError as exc:  # renamed at the same moment by someone else
            raise ValidationError(_("Another group in this programme is already called "
                                    "«%(name)s».") % {"name": name},
                                  code="duplicate_name") from exc
        audit_log(organisation=plan.programme.organisation, actor=actor,
                  action="networks.group_updated", obj=group,
                  summary=f"{old} → {name}",
                  data={"facilitator": facilitator.pk if facilitator else None})
        return group


def network_group_delete(*, group: NetworkGroup, actor: User | None) -> None:
    """Remove a group that has neither members nor meetings."""
    with transaction.atomic():
        plan = lock_plan(group.plan)
        if group.meetings.exists():
            raise ValidationError(_("«%(group)s» has meetings and cannot be removed.")
                                  % {"group": group.name}, code="has_meetings")
        if group.memberships.exists():
            raise ValidationError(_("Move the members of «%(group)s» to other groups first.")
                                  % {"group": group.name}, code="has_members")
        audit_log(organisation=plan.programme.organisation, actor=actor,
                  action="networks.group_deleted", obj=group,
                  summary=group.name)
        group.delete()


def network_groups_confirm(*, plan: NetworkPlan, actor: User | None) -> NetworkPlan:
    """Confirm the groups: members see them from now on and meetings can be planned.

    Re-checks every rule on fresh data (leader-above links may have changed since
    the proposal): no group above the maximum or empty, no leader with their leader
    above or a report, every participant in a group. Nothing changes if one fails.
    """
    with transaction.atomic():
        plan = lock_plan(plan)
        if not plan.is_draft:
            raise ValidationError(_("The groups are already confirmed."), code="confirmed")
        groups = list(plan.groups.order_by("position", "name"))
        if not groups:
            raise ValidationError(_("Propose the groups before confirming them."),
                                  code="no_groups")
        people = {p.id: p for p in people_of(plan)}
        members: dict[int, list[Person]] = {g.pk: [] for g in groups}
        for group_id, leader_id in plan.memberships.values_list("group_id", "leader_id"):
            if leader_id in people:
                members[group_id].append(people[leader_id])
        errors: list[ValidationError] = []
        for group in groups:
            size = len(members[group.pk])
            if size > plan.max_size:
                errors.append(ValidationError(
                    _("«%(group)s» has %(count)d members; the most is %(max)d.")
                    % {"group": group.name, "count": size, "max": plan.max_size},
                    code="group_too_large"))
            if size == 0:
                errors.append(ValidationError(
                    _("«%(group)s» has no members; remove it or move people into it.")
                    % {"group": group.name}, code="group_empty"))
            clash = reporting_clash(members[group.pk])
            if clash is not None:
                names = _names([clash[0].id, clash[1].id])
                errors.append(ValidationError(
                    _("%(above)s is the leader above %(report)s; they cannot be in the same "
                      "network group.")
                    % {"above": names[clash[1].id], "report": names[clash[0].id]},
                    code="reporting_line"))
        placed = {p.id for group_members in members.values() for p in group_members}
        missing = len(set(people) - placed)
        if missing:
            errors.append(ValidationError(
                ngettext("%(count)d participant is not in a group yet.",
                         "%(count)d participants are not in a group yet.", missing)
                % {"count": missing}, code="unplaced"))
        if errors:
            raise ValidationError(errors)
        plan.status = PlanStatus.CONFIRMED
        plan.confirmed_at = timezone.now()
        plan.confirmed_by = actor if getattr(actor, "is_authenticated", False) else None
        plan.save(update_fields=["status", "confirmed_at", "confirmed_by"])
        audit_log(organisation=plan.programme.organisation, actor=actor,
                  action="networks.groups_confirmed", obj=plan,
                  summary=f"{plan.programme}: {len(groups)}")
        return plan
