"""A small course of our own in two editions, to test the framework switch on a site built from it.

The real editions are being written (the PyTorch edition's own cells arrive lesson by lesson); this course
has, today and always, every case the switch must handle, with words found in one framework's code only:

- ``01_first``: a group with cells of both frameworks (an MXNet code cell with ``attach_grad``; a PyTorch
  markdown cell and a PyTorch code cell with ``requires_grad``, each with an output), a group of one
  explorer per framework (anywidgets saved in each edition's widget state, run by the site's loader), and
  a group with an MXNet cell only;
- ``02_second``: one group (the choice must follow the reader from page to page);
- ``solutions/01_first_solutions``: one group;
- the PyTorch edition's first cell is the Colab cell (tag ``colab-setup``), as tools/editions.py writes it.

Cell ids follow tools/editions.py: a cell's id is its place in the (imagined) source, shared by both editions.
"""
import json
from pathlib import Path

MXNET_WORD = "attach_grad"
PYTORCH_WORD = "requires_grad"
COLAB_TEXT = "On Google Colab only: install the course's helper package"
REPO_URL = "https://github.com/example-owner/cnn-course"
STATE_MIME = "application/vnd.jupyter.widget-state+json"
VIEW_MIME = "application/vnd.jupyter.widget-view+json"
#: the widget models: one shown in each edition, and one the PyTorch edition saved but shows nowhere
MODELS = {"mxnet": "a1" * 16, "pytorch": "b2" * 16, "unshown": "c3" * 16}
ESM = """
export default {
  render({ model, el }) {
    const box = document.createElement("div");
    box.dataset.explorer = "TinySwitchExplorer";
    box.dataset.framework = model.get("framework");
    box.textContent = `The ${model.get("framework")} explorer, running with no kernel`;
    el.appendChild(box);
  },
};
"""


def _md(cid, text, tag=None):
    return {"cell_type": "markdown", "id": cid, "metadata": {"tags": [tag]} if tag else {},
            "source": text.splitlines(keepends=True)}


def _code(cid, text, tag=None, printed=None, view=None):
    outputs = []
    if printed:
        outputs.append({"name": "stdout", "output_type": "stream", "text": [printed + "\n"]})
    if view:
        outputs.append({"output_type": "display_data", "metadata": {},
                        "data": {"text/plain": ["TinySwitchExplorer()"],
                                 VIEW_MIME: {"model_id": view, "version_major": 2, "version_minor": 0}}})
    return {"cell_type": "code", "execution_count": 1 if outputs else None, "id": cid,
            "metadata": {"tags": [tag]} if tag else {}, "outputs": outputs, "source": text.splitlines(keepends=True)}


def _state(*names):
    return {"version_major": 2, "version_minor": 0, "state": {
        MODELS[name]: {"model_name": "AnyModel", "model_module": "anywidget", "model_module_version": "~0.9.*",
                       "state": {"_esm": ESM, "_css": "", "_anywidget_id": "tiny.Switch",
                                 "framework": "pytorch" if name != "mxnet" else "mxnet"}}
        for name in names}}


def _notebook(cells, framework, widgets=None):
    meta = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": f"d2l-{framework}"},
            "language_info": {"name": "python"}}
    if widgets:
        meta["widgets"] = {STATE_MIME: widgets}
    return {"cells": cells, "metadata": meta, "nbformat": 4, "nbformat_minor": 5}


# (cells of the source, in order): a tag selects the edition
LESSON_1 = [
    _md("c000", "# 01 First lesson\n\n[Next: 02 Second lesson](02_second.ipynb)\n\nShared text before the code."),
    _code("c001", f"from mxnet import nd\nX = nd.ones((3, 3))\nX.{MXNET_WORD}()", "mxnet", printed="mxnet printed this"),
    _md("c002", "In PyTorch, a tensor records its gradient once asked to.", "pytorch"),
    _code("c003", f"import torch\nX = torch.ones((3, 3))\nX.{PYTORCH_WORD} = True", "pytorch",
          printed="pytorch printed this"),
    _md("c004", "## Explore\n\nShared text between the groups."),
    _code("c005", "TinySwitchExplorer(framework='mxnet')", "mxnet", view=MODELS["mxnet"]),
    _code("c006", "TinySwitchExplorer(framework='pytorch')", "pytorch", view=MODELS["pytorch"]),
    _md("c007", "Shared text after the explorers."),
    _code("c008", "mxnet_only_step = 1", "mxnet"),
    _md("c009", "## Exercises\n\nThe end of the lesson: see the [solutions](solutions/01_first_solutions.ipynb).\n\n"
        + "\n\n".join(f"Shared text {n}, long enough for the page to scroll in any window." for n in range(40))),
]
LESSON_2 = [
    _md("c000", "# 02 Second lesson\n\n[← Previous: 01 First lesson](01_first.ipynb)"),
    _code("c001", "y = nd.zeros((2, 2))", "mxnet", printed="[[0. 0.] [0. 0.]]"),
    _code("c002", "y = torch.zeros((2, 2))", "pytorch", printed="tensor([[0., 0.], [0., 0.]])"),
    _md("c003", "Shared text after the code."),
]
SOLUTIONS_1 = [
    _md("c000", "# 01 First lesson: solutions\n\nWorked solutions."),
    _code("c001", "answer = nd.array([1, 2])", "mxnet"),
    _code("c002", "answer = torch.tensor([1, 2])", "pytorch"),
    _md("c003", "That is all."),
]
INDEX = [
    _md("c000", "# A two-edition course\n\n[01 First lesson](01_first.ipynb), [02 Second lesson](02_second.ipynb)"),
    _code("c001", "import mxnet", "mxnet"),
    _code("c002", "import torch", "pytorch"),
]
NOTEBOOKS = {"00_index.ipynb": INDEX, "01_first.ipynb": LESSON_1, "02_second.ipynb": LESSON_2,
             "solutions/01_first_solutions.ipynb": SOLUTIONS_1}


def colab_cell():
    return _code("colab-setup", f"# {COLAB_TEXT}, d2lutils. Anywhere else this does nothing.\nimport sys", "colab-setup")


def write_course(root):
    """Write the course's two editions under ``root`` (root/mxnet, root/pytorch); return ``root``."""
    root = Path(root)
    for name, cells in NOTEBOOKS.items():
        for fw in ("mxnet", "pytorch"):
            mine = [c for c in cells if not c["metadata"].get("tags") or c["metadata"]["tags"] == [fw]]
            if fw == "pytorch":
                mine = [colab_cell()] + mine
            widgets = None
            if name == "01_first.ipynb":
                widgets = _state("mxnet") if fw == "mxnet" else _state("pytorch", "unshown")
            path = root / fw / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(_notebook(mine, fw, widgets), indent=1) + "\n")
    return root
