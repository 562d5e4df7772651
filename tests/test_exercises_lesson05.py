"""Lesson 5 checkers: accept the answer MXNet computes, reject wrong ones without revealing it."""
from mxnet import nd
from mxnet.gluon import nn

from d2lutils.exercises import lesson05 as ex
from reference import assert_rejects


def test_kernel_shape():
    t = ex.KERNEL_SHAPE_TASK
    net = nn.Conv2D(t["c_o"], kernel_size=t["kernel_size"], in_channels=t["c_i"])
    expected = net.weight.shape
    assert ex.check_kernel_shape(expected).ok is True
    swapped = (expected[1], expected[0]) + expected[2:]
    result = ex.check_kernel_shape(swapped)
    assert result.ok is False and "order" in result.message
    for wrong in [expected[:3], (expected[0], expected[1], 3, 3), (1, 1, 1, 1), "16, 3, 5, 5"]:
        assert_rejects(ex.check_kernel_shape(wrong), expected)
    assert ex.check_kernel_shape(None).ok is None


def test_output_value():
    X, K = nd.array(ex.X_TWO), nd.stack(*nd.array(ex.K_TWO)[::-1])
    Y = nd.Convolution(X.expand_dims(0), K.expand_dims(0), kernel=(2, 2), num_filter=1, no_bias=True)
    expected = Y[0, 0, 0, 0].asscalar()
    assert ex.check_output_value(expected).ok is True
    assert ex.check_output_value(int(expected)).ok is True
    for wrong in [56, expected - 1, expected + 20, "52?"]:
        assert_rejects(ex.check_output_value(wrong), int(expected))
    assert ex.check_output_value(None).ok is None


def test_output_shape():
    t = ex.OUTPUT_SHAPE_TASK
    net = nn.Conv2D(t["c_o"], kernel_size=t["kernel_size"], padding=t["padding"])
    net.initialize()
    expected = net(nd.zeros((1,) + t["input_shape"])).shape[1:]
    assert ex.check_output_shape(expected).ok is True
    for wrong in [t["input_shape"], (expected[0], 30, 30), expected[1:], (2,) + expected, (1, 2) + expected[1:]]:
        assert_rejects(ex.check_output_shape(wrong), expected)
    with_batch_axis = ex.check_output_shape((1,) + expected)  # Y.shape of the layer's output
    assert with_batch_axis.ok is True and "dropped" in with_batch_axis.message
    assert ex.check_output_shape(None).ok is None


def test_output_value_names_the_channels_not_swapped():
    X, K = nd.array(ex.X_TWO), nd.array(ex.K_TWO)
    unswapped = nd.Convolution(X.expand_dims(0), K.expand_dims(0), kernel=(2, 2), num_filter=1,
                               no_bias=True)[0, 0, 0, 0].asscalar()
    K_swapped = nd.stack(*K[::-1])
    expected = nd.Convolution(X.expand_dims(0), K_swapped.expand_dims(0), kernel=(2, 2), num_filter=1,
                              no_bias=True)[0, 0, 0, 0].asscalar()
    assert unswapped != expected
    for form in [unswapped, int(unswapped), nd.array([unswapped])]:
        result = ex.check_output_value(form)
        assert result.ok is False and "swap" in result.message, result.text
        assert_rejects(result, int(expected))


def test_output_shape_names_padding_forgotten_and_channels_last():
    t = ex.OUTPUT_SHAPE_TASK
    net = nn.Conv2D(t["c_o"], kernel_size=t["kernel_size"], padding=t["padding"])
    net.initialize()
    expected = net(nd.zeros((1,) + t["input_shape"])).shape[1:]
    unpadded = nn.Conv2D(t["c_o"], kernel_size=t["kernel_size"])
    unpadded.initialize()
    no_padding = unpadded(nd.zeros((1,) + t["input_shape"])).shape[1:]
    channels_last = expected[1:] + expected[:1]
    for shape, words in [(no_padding, "without padding"), (channels_last, "channels last")]:
        for form in [shape, list(shape), (1,) + tuple(shape)]:
            result = ex.check_output_shape(form)
            assert result.ok is False and words in result.message, (shape, result.text)
            assert_rejects(result, expected)


def test_kernel_shape_names_channels_last():
    t = ex.KERNEL_SHAPE_TASK
    expected = nn.Conv2D(t["c_o"], kernel_size=t["kernel_size"], in_channels=t["c_i"]).weight.shape
    for last in [expected[2:] + (expected[1], expected[0]), expected[2:] + expected[:2]]:
        result = ex.check_kernel_shape(last)
        assert result.ok is False and "channels last" in result.message, result.text
        assert_rejects(result, expected)
