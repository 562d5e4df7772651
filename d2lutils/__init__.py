"""Helpers for the convolutional-networks course.

The core API, importable from the package itself::

    from d2lutils import corr2d, pool2d, conv_output_shape

Submodules with one job each: ``conv`` (cross-correlation), ``pooling``, ``shapes``
(output-shape arithmetic), ``receptive`` (receptive fields of layer stacks), ``drawing`` (figures), ``exercises`` (answer checkers, one
module per lesson) and ``widgets`` (live explorers; imported on demand because it
needs ipywidgets). Importing the package has no side effects and does not import MXNet.
"""
from .conv import (comp_conv2d, corr2d, corr2d_multi_in, corr2d_multi_in_out,
                   corr2d_multi_in_out_1x1)
from .pooling import pool2d
from .receptive import receptive_field, receptive_region, stack_shapes
from .shapes import conv_output_shape, conv_shape_formula, pool_output_shape, pool_shape_formula

__all__ = ["corr2d", "corr2d_multi_in", "corr2d_multi_in_out", "corr2d_multi_in_out_1x1",
           "comp_conv2d", "pool2d", "conv_output_shape", "pool_output_shape", "conv_shape_formula",
           "pool_shape_formula", "stack_shapes", "receptive_field", "receptive_region"]
