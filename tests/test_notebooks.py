"""The example notebooks run top to bottom under a real Jupyter kernel (nbclient)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
pytest.importorskip("pandas")
pytest.importorskip("matplotlib")

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "examples" / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks() -> None:
    assert NOTEBOOKS


# jupyter_client warns about its own platform-dir migration and zmq about the event loop
# policy on some platforms; neither concerns the notebook's code, whose errors are checked below.
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A kernelspec for the interpreter running the tests, in a directory of its own: nothing to
    # install on a clean clone, and no "python3" kernel of another environment can be picked up.
    spec = tmp_path / "kernels" / "govops-test"
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": "govops tests", "language": "python"}),
        encoding="utf-8",
    )
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        nb,
        timeout=300,
        kernel_name="govops-test",
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    # The charts came back as images, the tables as HTML.
    assert sum("image/png" in o.get("data", {}) for o in outputs) >= 3
    assert any("text/html" in o.get("data", {}) for o in outputs)
    # govops values render themselves (no %load_ext): a rule, an explanation, a calendar month.
    html = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
    if path.name == "what_if_two_days.ipynb":
        assert "govops rule" in html and "<ol>" in html and "<sup>休</sup>" in html
