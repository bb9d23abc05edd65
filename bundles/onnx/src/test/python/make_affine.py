"""Writes the tiny test model used by the ONNX bundle's unit tests: y = 2x + 1 over [-1, 4].

Run from the repository root with Debian's python3-onnx:
    /usr/bin/python3 bundles/onnx/src/test/python/make_affine.py
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "models", "affine.onnx")

x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, 4])
y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [None, 4])
two = numpy_helper.from_array(np.full((4,), 2.0, dtype=np.float32), "two")
one = numpy_helper.from_array(np.full((4,), 1.0, dtype=np.float32), "one")
graph = helper.make_graph(
    [helper.make_node("Mul", ["x", "two"], ["t"]), helper.make_node("Add", ["t", "one"], ["y"])],
    "affine", [x], [y], [two, one])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="edgeai-tests")
model.ir_version = 8
onnx.checker.check_model(model)
onnx.save(model, OUT)
print(OUT)
