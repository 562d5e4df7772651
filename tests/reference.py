"""Independent reference results computed with MXNet's own operators."""
import numpy as np
from mxnet import nd


def mx_conv(X, K, padding=(0, 0), stride=(1, 1), dilation=(1, 1)):
    """nd.Convolution on X (c_i, H, W) with K (c_o, c_i, kh, kw) -> numpy (c_o, H', W')."""
    X, K = np.asarray(X, dtype=np.float64), np.asarray(K, dtype=np.float64)
    Y = nd.Convolution(nd.array(X[None], dtype="float64"), nd.array(K, dtype="float64"),
                       kernel=K.shape[2:], pad=padding, stride=stride, dilate=dilation,
                       num_filter=K.shape[0], no_bias=True)
    return Y.asnumpy()[0]


def mx_pool(X, pool_size, mode, padding=(0, 0), stride=(1, 1)):
    """nd.Pooling on X (H, W) -> numpy (H', W'); MXNet's defaults (avg counts padding)."""
    Y = nd.Pooling(nd.array(np.asarray(X, dtype=np.float64)[None, None], dtype="float64"),
                   kernel=pool_size, pool_type=mode, pad=padding, stride=stride)
    return Y.asnumpy()[0, 0]


def assert_rejects(result, expected):
    """A checker's verdict on a wrong answer: rejected, with a hint, without giving ``expected`` away."""
    assert result.ok is False
    assert str(expected) not in result.text
    assert result.hint
