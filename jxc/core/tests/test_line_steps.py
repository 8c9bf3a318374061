"""The pure check of a step taken against a document's open lines (归还, 调入): something, on
the document's lines, above zero and no more than is still open."""

from decimal import Decimal as D

from jxc.core.documents.line_steps import open_line_errors


def test_a_step_against_open_lines_needs_something():
    assert open_line_errors({1: D(3)}, {}, nothing="Enter what came back.") == {
        "lines": ["Enter what came back."]
    }


def test_a_step_takes_at_most_what_is_open_of_the_documents_own_lines():
    errors = open_line_errors({1: D(3), 2: D(1)}, {1: D(4), 2: D(0), 9: D(1)}, nothing="")
    assert set(errors) == {"lines.1.qty", "lines.2.qty", "lines.9.qty"}
    assert "3" in errors["lines.1.qty"][0]
    assert open_line_errors({1: D(3)}, {1: D(3)}, nothing="") == {}
