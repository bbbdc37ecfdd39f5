from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from minxin.tickets import codes


def test_codes_are_ten_characters_and_valid():
    code = codes.new_tracking_code()
    assert len(code) == 10
    assert codes.normalise(code) == code


def test_codes_are_not_sequential():
    made = {codes.new_tracking_code() for _ in range(2000)}
    assert len(made) == 2000


@given(st.integers(0, 9), st.sampled_from(codes.ALPHABET))
def test_every_single_typo_is_caught(position, replacement):
    code = codes.new_tracking_code()
    typo = code[:position] + replacement + code[position + 1 :]
    assert (codes.normalise(typo) is None) == (typo != code)


def test_input_is_forgiving_about_case_and_dashes():
    code = codes.new_tracking_code()
    assert codes.normalise(codes.display(code).lower()) == code
    assert codes.normalise(" " + code[:5] + " " + code[5:]) == code
    assert codes.normalise("hello") is None
