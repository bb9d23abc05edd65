#!/usr/bin/python3
"""Trains the NLP heads shipped with EdgeAI Gateway on top of frozen sentence encoders.

Input: features exported by `tools/train-nlp/export-features` (our own tokenizer and ONNX encoders,
exactly as the gateway runs them). Output: ONNX heads + descriptors in bundles/models/<head>/.

Seeded and deterministic on one machine; see tools/train-nlp/README.md.
"""
import argparse, hashlib, json, os, sys
import numpy as np
import torch

SEED = 20261129
ENCODERS = ["all-minilm-l6-v2-q", "bge-small-en-v15-q", "e5-small-v2-q"]
# CLINC150: the encoder fine-tuned on its train split (finetune.py), alone; see README
DATASET_ENCODERS = {"clinc150": ["minilm-l6-clinc150-q"]}
HEAD_VERSIONS = {"clinc150": "2.0.0"}
SLOT_ENCODER = "all-minilm-l6-v2-q"
MIX_PER_DATASET = 700        # synthetic out-of-scope rows (CLINC150 only), see README
MIN_VAL_IN_SCOPE = 0.95      # threshold rule for CLINC150, chosen on the validation split


def rows(data, ds, split):
    with open(os.path.join(data, ds, split + ".jsonl"), encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]


def pooled(feat, ds, split, n):
    parts = []
    for e in DATASET_ENCODERS.get(ds, ENCODERS):
        x = np.fromfile(os.path.join(feat, f"{e}.{ds}.{split}.pooled.f32"), dtype="<f4")
        parts.append(x.reshape(n, -1))
    return np.concatenate(parts, 1).astype(np.float32)


def mixes(X, y, n, rng):
    """Out-of-scope examples made by mixing two in-scope sentences of different intents."""
    ins = np.array([i for i, l in enumerate(y) if l != "oos"])
    a, b = rng.choice(ins, n), rng.choice(ins, n)
    keep = np.array([y[i] != y[j] for i, j in zip(a, b)])
    a, b = a[keep], b[keep]
    lam = rng.uniform(0.35, 0.65, len(a))[:, None].astype(np.float32)
    return lam * X[a] + (1 - lam) * X[b]


class Linear(torch.nn.Module):
    def __init__(self, d, c):
        super().__init__()
        self.drop = torch.nn.Dropout(0.2)
        self.fc = torch.nn.Linear(d, c)

    def forward(self, embedding):
        return torch.softmax(self.fc(self.drop(embedding)), dim=1)

    def logits(self, x):
        return self.fc(self.drop(x))


def train_intent(X, y, labels, epochs=30):
    torch.manual_seed(SEED)
    idx = {l: i for i, l in enumerate(labels)}
    Xt, yt = torch.tensor(X), torch.tensor([idx[l] for l in y])
    m = Linear(X.shape[1], len(labels))
    opt = torch.optim.AdamW(m.parameters(), lr=1e-3, weight_decay=1e-4)
    g = torch.Generator().manual_seed(SEED)
    for _ in range(epochs):
        m.train()
        perm = torch.randperm(len(y), generator=g)
        for i in range(0, len(y), 64):
            b = perm[i:i + 64]
            opt.zero_grad()
            torch.nn.functional.cross_entropy(m.logits(Xt[b]), yt[b]).backward()
            opt.step()
    return m.eval()


def predict(m, X):
    with torch.no_grad():
        return m(torch.tensor(X)).numpy()


def decide(P, labels, th):
    out = []
    for p in P:
        i = int(p.argmax())
        out.append("oos" if labels[i] == "oos" or p[i] < th else labels[i])
    return out


def clinc_threshold(m, Xv, yv, labels):
    """The highest threshold at which in-scope accuracy on validation stays >= MIN_VAL_IN_SCOPE.

    The in-scope estimate rests on 3,000 validation sentences, the out-of-scope one on only 100: so the
    rule spends the in-scope margin above the target on rejecting more, rather than chasing the noisy
    out-of-scope recall."""
    P = predict(m, Xv)
    best = None
    for th in np.arange(0.20, 0.80, 0.025):
        pred = decide(P, labels, th)
        acc = np.mean([p == t for p, t in zip(pred, yv) if t != "oos"])
        rec = np.mean([p == "oos" for p, t in zip(pred, yv) if t == "oos"])
        if acc >= MIN_VAL_IN_SCOPE:
            best = (float(round(th, 3)), rec, acc)
    print(f"  clinc150 threshold {best[0]} (validation: in-scope {best[2]:.4f}, oos recall {best[1]:.4f})")
    return best[0]


def export(m, example, in_name, out_name, path, opset=13, dynamic_axes=None):
    torch.onnx.export(m, example, path, input_names=[in_name], output_names=[out_name], opset_version=opset,
                      dynamic_axes=dynamic_axes or {in_name: {0: "n"}, out_name: {0: "n"}})


def descriptor(path, onnx_name, name, description, d_in, in_name, out_name, labels, props, test_in, test_out,
               version="1.0.0"):
    with open(os.path.join(os.path.dirname(path), onnx_name), "rb") as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    desc = {
        "name": name, "version": version, "description": description, "file": onnx_name, "sha256": sha,
        "inputs": [{"name": in_name, "type": "float", "shape": [-1, d_in]}],
        "outputs": [{"name": out_name, "type": "float", "shape": [-1, len(labels)]}],
        "labels": labels, "properties": props,
        "test": {"input": test_in.tolist(), "output": test_out.tolist(), "tolerance": 1e-4},
    }
    with open(path, "w", encoding="utf-8") as f:
        json.dump(desc, f, indent=1, ensure_ascii=False)
        f.write("\n")


# ---- slots (token classification on SNIPS) ----

def case_features(text, spans):
    """Per token: first character upper case, whole token upper case, has a digit (the encoder is
    uncased, so capitalisation has to come from the original text). Mirrored in Java (CaseFeatures)."""
    out = np.zeros((len(spans), 3), np.float32)
    for k, sp in enumerate(spans):
        if sp is None or sp[1] <= sp[0]:
            continue
        piece = text[sp[0]:sp[1]]
        out[k, 0] = float(piece[0].isupper())
        out[k, 1] = float(piece.isupper())
        out[k, 2] = float(any(ch.isdigit() for ch in piece))
    return out


def slot_rows(feat, data, split):
    rs = rows(data, "snips", split)
    with open(os.path.join(feat, f"{SLOT_ENCODER}.snips.{split}.tokens.jsonl"), encoding="utf-8") as f:
        idx = [json.loads(l) for l in f if l.strip()]
    H = np.fromfile(os.path.join(feat, f"{SLOT_ENCODER}.snips.{split}.tokens.f32"), dtype="<f4")
    H = H.reshape(-1, H.size // sum(i["n"] for i in idx))
    out, o = [], 0
    for r, ix in zip(rs, idx):
        n, spans = ix["n"], ix["spans"]
        x = np.concatenate([H[o:o + n], case_features(r["text"], spans)], 1)
        o += n
        tags = []
        for k, sp in enumerate(spans):
            t = "O"
            if ix["tokens"][k].startswith("##"):
                t = None          # continuation pieces follow their word; not trained
            elif sp is not None and sp[1] > sp[0]:
                for e in r["entities"]:
                    if sp[0] >= e["start"] and sp[1] <= e["end"]:
                        t = ("B-" if sp[0] == e["start"] else "I-") + e["type"]
                        break
            tags.append(t)
        out.append((x, tags, spans, ix["tokens"], r))
    return out


class SlotHead(torch.nn.Module):
    def __init__(self, d, k, hidden=256):
        super().__init__()
        self.drop = torch.nn.Dropout(0.2)
        self.lstm = torch.nn.LSTM(d, hidden, num_layers=2, bidirectional=True, batch_first=True)
        self.out = torch.nn.Linear(2 * hidden, k)

    def logits(self, x):
        y, _ = self.lstm(self.drop(x))
        return self.out(self.drop(y))

    def forward(self, tokens):
        """One sentence: [T, D] -> [T, K] tag probabilities."""
        return torch.softmax(self.logits(tokens.unsqueeze(0)), dim=2).squeeze(0)


def decode(probs, labels, spans, tokens):
    """Word-level BIO: a word's first piece carries the tag, its ## pieces extend the span."""
    ents, cur = [], None
    for k, sp in enumerate(spans):
        if sp is None or sp[1] <= sp[0]:
            if cur:
                ents.append(cur)
                cur = None
            continue
        if tokens[k].startswith("##"):
            if cur:
                cur[2] = sp[1]
            continue
        tag = labels[int(probs[k].argmax())]
        if tag.startswith("B-") or (tag.startswith("I-") and (cur is None or cur[0] != tag[2:])):
            if cur:
                ents.append(cur)
            cur = [tag[2:], sp[0], sp[1]]
        elif tag.startswith("I-"):
            cur[2] = sp[1]
        elif cur:
            ents.append(cur)
            cur = None
    if cur:
        ents.append(cur)
    return {tuple(e) for e in ents}


def train_slots(tr, epochs=8):
    torch.manual_seed(SEED)
    labels = ["O"] + sorted({t for _, tags, _, _, _ in tr for t in tags if t not in (None, "O")})
    li = {l: i for i, l in enumerate(labels)}
    d = tr[0][0].shape[1]
    m = SlotHead(d, len(labels))
    steps = epochs * ((len(tr) + 31) // 32)
    opt = torch.optim.AdamW(m.parameters(), lr=2e-3, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=2e-3, total_steps=steps)
    rng = np.random.default_rng(SEED)
    for ep in range(epochs):
        m.train()
        perm = rng.permutation(len(tr))
        for i in range(0, len(tr), 32):
            batch = [tr[j] for j in perm[i:i + 32]]
            L = max(len(b[1]) for b in batch)
            X = np.zeros((len(batch), L, d), np.float32)
            Y = np.full((len(batch), L), -100)
            for r, (x, tags, _, _, _) in enumerate(batch):
                X[r, :len(tags)] = x
                Y[r, :len(tags)] = [-100 if t is None else li[t] for t in tags]
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(m.logits(torch.tensor(X)).reshape(-1, len(labels)),
                                                     torch.tensor(Y).reshape(-1), ignore_index=-100)
            loss.backward()
            opt.step()
            sched.step()
        print(f"  slots epoch {ep + 1}/{epochs} done", flush=True)
    return m.eval(), labels


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--features", required=True, help="folder written by tools/train-nlp/export-features")
    ap.add_argument("--data", required=True, help="data/nlu")
    ap.add_argument("--out", required=True, help="bundles/models (heads are written to <out>/<head>/src/main/resources/model)")
    ap.add_argument("--only", default="clinc150,hwu64,snips,slots",
                    help="clinc150 needs the features of minilm-l6-clinc150-q (finetune-clinc150 runs it so)")
    a = ap.parse_args()
    torch.set_num_threads(2)
    rng = np.random.default_rng(SEED)
    only = a.only.split(",")
    for ds in [d for d in ("clinc150", "hwu64", "snips") if d in only]:
        enc = ",".join(DATASET_ENCODERS.get(ds, ENCODERS))
        tr = rows(a.data, ds, "train")
        y = [r["intent"] for r in tr]
        X = pooled(a.features, ds, "train", len(y))
        labels = sorted(set(y))
        th = 0.0
        if ds == "clinc150":
            M = mixes(X, y, MIX_PER_DATASET, rng)
            X, y = np.concatenate([X, M]), y + ["oos"] * len(M)
        m = train_intent(X, y, labels)
        if ds == "clinc150":
            va = rows(a.data, ds, "val")
            th = clinc_threshold(m, pooled(a.features, ds, "val", len(va)), [r["intent"] for r in va], labels)
        name = f"intent-{ds}"
        folder = os.path.join(a.out, name, "src", "main", "resources", "model")
        os.makedirs(folder, exist_ok=True)
        onnx_path = os.path.join(folder, name + ".onnx")
        export(m, torch.zeros(1, X.shape[1]), "embedding", "probabilities", onnx_path)
        test_in = X[:2]
        test_out = predict(m, test_in)
        descriptor(os.path.join(folder, "model.json"), name + ".onnx", name,
                   f"Linear intent head over {enc} sentence embeddings, trained on the {ds} train split",
                   X.shape[1], "embedding", "probabilities", labels,
                   {"task": "intent", "encoder": enc, "oos.threshold": str(th)}, test_in, test_out,
                   HEAD_VERSIONS.get(ds, "1.0.0"))
        print(f"{name}: {len(labels)} labels, {len(y)} training rows, threshold {th}")
    if "slots" in only:
        tr = slot_rows(a.features, a.data, "train")
        m, labels = train_slots(tr)
        name = "slots-snips"
        folder = os.path.join(a.out, name, "src", "main", "resources", "model")
        os.makedirs(folder, exist_ok=True)
        onnx_path = os.path.join(folder, name + ".onnx")
        d = tr[0][0].shape[1]
        export(m, torch.zeros(5, d), "tokens", "tag_probabilities", onnx_path)
        test_in = tr[0][0]
        with torch.no_grad():
            test_out = m(torch.tensor(test_in)).numpy()
        descriptor(os.path.join(folder, "model.json"), name + ".onnx", name,
                   f"BiLSTM slot tagger over {SLOT_ENCODER} token states + case features, trained on SNIPS train",
                   d, "tokens", "tag_probabilities", labels,
                   {"task": "slots", "encoder": SLOT_ENCODER, "features": "case"}, test_in, test_out)
        print(f"{name}: {len(labels)} tags, {len(tr)} training sentences")


if __name__ == "__main__":
    main()
