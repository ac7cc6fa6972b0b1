"""The grader refuses a solution that is the course's reference, even renamed or reformatted."""

from coursekit.exercises import defs
from coursekit.exercises.references import reference_source
from coursekit.grading.copies import copies_reference

defs.load_all()


def test_verbatim_copy_is_found():
    assert copies_reference(["import numpy as np\n", reference_source("01.1")], "01.1")


def test_renamed_and_reformatted_copy_is_found():
    source = reference_source("01.3").replace("Z", "puntos").replace("E", "expo")
    source = source.replace('"""', '"""Mi versión. ', 1) + "\n# fin\n"
    assert copies_reference([source], "01.3")


def test_own_solutions_are_not_copies():
    own = "def sigmoid(z):\n    return 1 / (1 + np.exp(-np.asarray(z, dtype=float)))\n"
    assert not copies_reference([own], "01.1")
    assert not copies_reference([reference_source("01.1")], "01.3")


def test_unparsable_sources_are_not_copies():
    assert not copies_reference(["def (:", "x = " + "(" * 5000], "01.1")
