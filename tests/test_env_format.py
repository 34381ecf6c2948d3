"""``get --format env`` through real shells: what eval sets is exactly the point, or nothing is printed."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lazysweep import SweepError
from lazysweep._cli import main
from lazysweep._errors import UsageError
from lazysweep._formats import SHELL_VARIABLES, shell_assignments

SHELLS = [shell for shell in ("bash", "dash") if shutil.which(shell)]
# Printable text: no control characters (NUL is refused, see below) and no lone surrogates.
PRINTABLE = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=40)


def evaluated(shell: str, script: str, names: list[str]) -> list[str]:
    """Run ``eval "$script"`` in ``shell`` and read back each variable, NUL-separated."""
    reads = " ".join(f'"${{{name}}}"' for name in names)
    result = subprocess.run(
        [shell, "-c", f'eval "$1"; printf "%s\\0" {reads}', shell, script],
        capture_output=True, check=True,
    )
    return result.stdout.decode("utf-8").split("\0")[:-1]


@pytest.mark.skipif(len(SHELLS) < 2, reason="needs bash and dash (.ci/run installs dash)")
@pytest.mark.parametrize("shell", ["bash", "dash"])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(PRINTABLE, min_size=1, max_size=4), number=st.integers() | st.floats(allow_nan=False, allow_infinity=False))
def test_env_round_trip_with_any_printable_text(shell, values, number):
    point = {f"v{i}": value for i, value in enumerate(values)}
    point["n"], point["obj"] = number, {"k": values[0]}
    script = shell_assignments(point, prefix="P_")
    got = evaluated(shell, script, [f"P_{key}" for key in point])
    assert got[: len(values)] == values
    assert json.loads(got[-2]) == number and json.loads(got[-1]) == {"k": values[0]}


@pytest.mark.parametrize(
    "point, message",
    [
        ({"a": "x\0y"}, "field 'a' holds a NUL character"),
        ({"a": ["x\0y"]}, None),  # inside JSON a NUL is written \u0000: allowed
        ({"": 1}, "a field with an empty name"),
        ({"-": 1}, "would become the shell variable _"),
        ({"PATH": "/tmp"}, "would set the shell variable PATH"),
        ({"IFS": ""}, "shell variable IFS"),
        ({"LC_ALL": "C"}, "shell variable LC_ALL"),
        ({"BASH_ENV": "x"}, "shell variable BASH_ENV"),
        ({"LD_PRELOAD": "x"}, "shell variable LD_PRELOAD"),
        ({"PS1": "x"}, "shell variable PS1"),
        ({"OPTIND": 1}, "shell variable OPTIND"),
        ({"path": "/tmp", "home": "h", "Uid": 1}, None),  # the shell's names are upper case
    ],
)
def test_names_and_values_the_shell_would_mangle_are_refused(point, message):
    if message is None:
        assert shell_assignments(point)
    else:
        with pytest.raises(SweepError, match=message):
            shell_assignments(point)


def test_every_listed_variable_is_refused_and_a_prefix_avoids_it():
    for name in sorted(SHELL_VARIABLES - {"_"}):
        with pytest.raises(SweepError, match=f"shell variable {name},"):
            shell_assignments({name: 1})
        assert shell_assignments({name: 1}, "P_") == f"P_{name}=1\n"
    with pytest.raises(SweepError, match="shell variable LC_X"):
        shell_assignments({"X": 1}, "LC_")  # a prefix is checked too
    with pytest.raises(UsageError, match="--env-prefix must be a shell name"):
        shell_assignments({"x": 1}, "1-")


def test_env_prefix_on_the_command_line(write, capsys):
    path = write("matrix:\n  PATH: [/evil]\n  n: [1]\n")
    assert main(["get", path, "--index", "0", "--format", "env"]) == 1
    err = capsys.readouterr().err
    assert "would set the shell variable PATH" in err and "--env-prefix" in err and err.count("\n") == 1
    assert main(["get", path, "--index", "0", "--format", "env", "--env-prefix", "P_"]) == 0
    assert capsys.readouterr().out == "P_PATH=/evil\nP_n=1\n"
    assert main(["get", path, "--index", "0", "--env-prefix", "P_"]) == 2
    assert "--env-prefix goes with --format env" in capsys.readouterr().err
