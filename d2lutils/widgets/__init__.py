"""Live explorers that compute and draw in the page itself (anywidget): no kernel round trip per move.

    from d2lutils.widgets import ConvExplorer
    ConvExplorer(input_shape=(8, 8))            # a notebook cell shows it

Each explorer's front end is an ES module (``static/*.js``, assembled by ``_assets``) that computes
output shapes, pooled values, the filtered photograph and receptive fields on the page and redraws
within one frame; it needs no kernel, so it keeps working from a notebook's saved widget state (a
course web page, a notebook whose kernel was shut down). Python keeps the same small API:

* ``.set(...)`` moves the controls (one message to the page); values the controls cannot show raise
  ``ValueError`` naming the argument;
* ``.output_shape``: the current (H', W'), or ``None`` for an impossible setting;
* ``.status``: the plain text the learner reads under the drawing (the same words as the page).

Both sides are synced: a slider moved on the page updates ``.output_shape``; ``explorer.set(padding=2)``
moves the page. A bad value from either side is a plain message, never an exception.
"""
from .conv import ConvExplorer
from .network import NetworkExplorer
from .photo import PhotoFilter
from .pool import PoolExplorer
from .receptive import ReceptiveFieldExplorer

__all__ = ["ConvExplorer", "NetworkExplorer", "PoolExplorer", "PhotoFilter", "ReceptiveFieldExplorer"]
