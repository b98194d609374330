from __future__ import annotations

import pytest

from programs.seats import SeatKind, SeatState


def test_no_talent_seats_kept_any_leader_gets_any_free_seat():
    state = SeatState(capacity=3, reserved=0, seated=2, talent_seated=0)
    assert state.free == 1
    assert state.seat_for(is_talent=False) == SeatKind.GENERAL
    assert state.seat_for(is_talent=True) == SeatKind.GENERAL


def test_kept_talent_seats_are_only_for_talents():
    state = SeatState(capacity=10, reserved=5, seated=5, talent_seated=0)
    assert state.free == 5 and state.talent_free == 5 and state.general_free == 0
    assert state.seat_for(is_talent=False) is None
    assert state.seat_for(is_talent=True) == SeatKind.TALENT


def test_talent_takes_a_kept_seat_first_so_open_seats_stay_open():
    state = SeatState(capacity=10, reserved=2, seated=3, talent_seated=1)
    assert state.talent_free == 1 and state.general_free == 6
    assert state.seat_for(is_talent=True) == SeatKind.TALENT


def test_talent_falls_back_to_an_open_seat_when_kept_ones_are_taken():
    state = SeatState(capacity=10, reserved=2, seated=4, talent_seated=2)
    assert state.seat_for(is_talent=True) == SeatKind.GENERAL


@pytest.mark.parametrize("talent", [True, False])
def test_full_module_has_no_seat_for_anyone(talent):
    assert SeatState(capacity=4, reserved=2, seated=4, talent_seated=1).seat_for(
        is_talent=talent) is None


def test_after_release_talent_holders_still_count_as_seated():
    state = SeatState(capacity=4, reserved=0, seated=4, talent_seated=2)
    assert state.free == 0 and state.seat_for(is_talent=False) is None
