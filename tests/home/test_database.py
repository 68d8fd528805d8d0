"""``home.database.fixed_values_sql``: the code's own fixed values as SQL literals."""

from __future__ import annotations

import pytest

from home.database import fixed_values_sql


def test_fixed_values_become_a_list_of_literals():
    assert fixed_values_sql(["confirmed", "offered"]) == "'confirmed', 'offered'"


@pytest.mark.parametrize("value", ["it's", "back\\slash"])
def test_a_value_that_could_end_its_literal_is_refused(value):
    with pytest.raises(ValueError):
        fixed_values_sql(["confirmed", value])
