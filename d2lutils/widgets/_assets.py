"""The explorers' front end: ES modules assembled from the JavaScript files in ``static/``.

anywidget runs one ES module per widget (its ``_esm``), loaded from a string, so a module cannot
import its neighbours by a relative path. Each explorer's module is therefore its shared parts and
its own file joined in a fixed order, with no other change: no build step, nothing fetched. The
shared parts define plain functions; only the explorer's own file has ``export default { render }``.
The text is stored in a notebook's widget state, so a page can mount an explorer from the notebook
alone.
"""
from functools import lru_cache
from importlib import resources

#: The files each explorer's module is made of, in order.
PARTS = {
    "ConvExplorer": ("core.js", "arith.js", "draw.js", "window.js", "conv.js"),
    "PoolExplorer": ("core.js", "arith.js", "draw.js", "window.js", "pool.js"),
    "PhotoFilter": ("core.js", "arith.js", "photo.js"),
    "ReceptiveFieldExplorer": ("core.js", "arith.js", "draw.js", "receptive.js"),
    "NetworkExplorer": ("core.js", "arith.js", "network.js"),
}
CSS = "explorer.css"


def read(name):
    """The text of one file in ``d2lutils/widgets/static``."""
    return (resources.files(__package__) / "static" / name).read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def esm(explorer):
    """The ES module of ``explorer`` (a class name in :data:`PARTS`) as one string."""
    return "\n".join(f"// ---- {name}\n{read(name)}" for name in PARTS[explorer])


@lru_cache(maxsize=None)
def css():
    """The stylesheet shared by every explorer."""
    return read(CSS)
