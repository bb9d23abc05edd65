#!/usr/bin/env python3
"""Trains the two small demo head models of the text pipeline on features exported by the gateway's own
tokenizer and encoder (tools/train-heads/export), and writes ONNX files plus descriptors into the model
bundles bundles/models/iot-intent-minilm and bundles/models/iot-slots-minilm.

  intent head: embedding float[-1,D] -> probabilities float[-1,C]  (HWU64 iot_* intents + CLINC150 oos)
  slot head:   tokens float[-1,D]    -> tag_probabilities float[-1,K] (BIO tags of HWU64 iot entities)

Seeded and deterministic: /usr/bin/python3 tools/train-heads/train.py FEATURE_DIR REPO_ROOT
"""
import hashlib
import json
import os
import sys

import numpy as np
import torch

SEED = 20240501


def load(dir_, name, dim):
    return np.fromfile(os.path.join(dir_, name), dtype="<f4").reshape(-1, dim)


class Head(torch.nn.Module):
    def __init__(self, dim, classes):
        super().__init__()
        self.linear = torch.nn.Linear(dim, classes)

    def forward(self, x):
        return torch.softmax(self.linear(x), dim=-1)


def train(x, y, classes, epochs, weight_decay):
    torch.manual_seed(SEED)
    model = Head(x.shape[1], classes)
    opt = torch.optim.Adam(model.parameters(), lr=0.01, weight_decay=weight_decay)
    xt = torch.tensor(x)
    yt = torch.tensor(y, dtype=torch.long)
    # class weights: the tags are mostly O
    counts = np.bincount(y, minlength=classes).astype(np.float32)
    w = torch.tensor(np.where(counts > 0, counts.sum() / (classes * np.maximum(counts, 1)), 0.0), dtype=torch.float32)
    loss_fn = torch.nn.CrossEntropyLoss(weight=w)
    for _ in range(epochs):
        opt.zero_grad()
        loss = loss_fn(model.linear(xt), yt)
        loss.backward()
        opt.step()
    acc = (model(xt).argmax(-1) == yt).float().mean().item()
    return model, acc, loss.item()


def export(model, dim, in_name, out_name, path):
    model.eval()
    torch.onnx.export(model, torch.zeros(1, dim), path, input_names=[in_name], output_names=[out_name],
                      dynamic_axes={in_name: {0: "n"}, out_name: {0: "n"}}, opset_version=13)


def descriptor(name, desc, file, path, dim, in_name, out_name, labels, props, test_row, model):
    with torch.no_grad():
        out = model(torch.tensor(test_row[None, :])).numpy()[0]
    return {
        "name": name, "version": "1.0.0", "description": desc, "file": file,
        "sha256": hashlib.sha256(open(path, "rb").read()).hexdigest(),
        "inputs": [{"name": in_name, "type": "float", "shape": [-1, dim]}],
        "outputs": [{"name": out_name, "type": "float", "shape": [-1, len(labels)]}],
        "labels": labels, "properties": props,
        "test": {"input": [[float(v) for v in test_row]], "output": [[float(v) for v in out]], "tolerance": 1e-4},
    }


def main():
    feat, repo = sys.argv[1], sys.argv[2]
    meta = json.load(open(os.path.join(feat, "meta.json")))
    dim = meta["dimension"]
    enc = meta["encoder"]

    x = load(feat, "intent.f32", dim)
    y = np.array(meta["intentLabels"])
    intent, acc, loss = train(x, y, len(meta["intents"]), 300, 1e-4)
    print(f"intent head: {len(y)} sentences, train accuracy {acc:.3f}, loss {loss:.3f}")
    out_dir = os.path.join(repo, "bundles/models/iot-intent-minilm/src/main/resources/model")
    os.makedirs(out_dir, exist_ok=True)
    onnx_path = os.path.join(out_dir, "iot-intent-minilm.onnx")
    export(intent, dim, "embedding", "probabilities", onnx_path)
    d = descriptor("iot-intent-minilm", "Demo intent head: HWU64 iot_* intents and CLINC150 oos on all-MiniLM-L6-v2 "
                   "sentence embeddings (linear + softmax)", "iot-intent-minilm.onnx", onnx_path, dim, "embedding",
                   "probabilities", meta["intents"], {"task": "intent", "encoder": enc, "oos.threshold": "0.5"},
                   x[0], intent)
    json.dump(d, open(os.path.join(out_dir, "model.json"), "w"), indent=2)

    xt = load(feat, "slots.f32", dim)
    yt = np.array(meta["tagLabels"])
    slots, acc, loss = train(xt, yt, len(meta["tags"]), 400, 1e-4)
    print(f"slot head: {len(yt)} tokens, train accuracy {acc:.3f}, loss {loss:.3f}")
    out_dir = os.path.join(repo, "bundles/models/iot-slots-minilm/src/main/resources/model")
    os.makedirs(out_dir, exist_ok=True)
    onnx_path = os.path.join(out_dir, "iot-slots-minilm.onnx")
    export(slots, dim, "tokens", "tag_probabilities", onnx_path)
    d = descriptor("iot-slots-minilm", "Demo slot head: BIO tags of HWU64 iot entities on all-MiniLM-L6-v2 token "
                   "vectors (linear + softmax)", "iot-slots-minilm.onnx", onnx_path, dim, "tokens",
                   "tag_probabilities", meta["tags"], {"task": "slots", "encoder": enc}, xt[0], slots)
    json.dump(d, open(os.path.join(out_dir, "model.json"), "w"), indent=2)


if __name__ == "__main__":
    main()
