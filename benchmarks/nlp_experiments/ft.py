"""fastText-style supervised embedding bag (torch, 1 thread) + OOF probs on the shared folds."""
import sys, time, os
sys.path.insert(0, "/tmp/nlp-exp")
os.environ["OMP_NUM_THREADS"] = "1"
import numpy as np, pickle, torch
torch.set_num_threads(1)
from collections import Counter
data = pickle.load(open("/tmp/nlp-exp/cache_plain.pkl", "rb"))
norm, labels = data["norm"], data["labels"].astype(str)
C = np.unique(labels); cidx = {c: i for i, c in enumerate(C)}
y_all = np.array([cidx[l] for l in labels])
DIM = int(os.environ.get("DIM", 64)); EPOCHS = int(os.environ.get("EPOCHS", 8))
LR = float(os.environ.get("LR", 0.3)); BS = int(os.environ.get("BS", 16))
TAG = os.environ.get("TAG", "ft")

def grams(t):
    toks = t.split(" ")
    out = ["w" + w for w in toks] + ["b" + a + "_" + b for a, b in zip(toks, toks[1:])]
    s = t
    for n in (1, 2, 3):
        out += ["c" + s[i:i + n] for i in range(len(s) - n + 1)]
    out += ["L" + w for w in toks[:8]]
    return out

G = [grams(t) for t in norm]

class FT(torch.nn.Module):
    def __init__(s, V, K):
        super().__init__()
        s.emb = torch.nn.EmbeddingBag(V, DIM, mode="mean", sparse=True)
        torch.nn.init.normal_(s.emb.weight, std=0.1)
        s.out = torch.nn.Linear(DIM, K)
        torch.nn.init.normal_(s.out.weight, std=0.1); torch.nn.init.zeros_(s.out.bias)
    def forward(s, ids, offs):
        return s.out(s.emb(ids, offs))

def encode(docs, vocab):
    ids = [np.array([vocab[g] for g in d if g in vocab] or [0], dtype=np.int64) for d in docs]
    return ids

def batchify(ids_list):
    offs = np.cumsum([0] + [len(x) for x in ids_list[:-1]])
    return torch.from_numpy(np.concatenate(ids_list)), torch.from_numpy(offs)

def fit_predict(tr, te, seed=0):
    rng = np.random.default_rng(seed); torch.manual_seed(seed)
    df = Counter(g for i in tr for g in set(G[i]))
    vocab = {g: j + 1 for j, g in enumerate(k for k, v in df.items() if v >= 2)}  # 0 = pad/unk
    Xtr = encode([G[i] for i in tr], vocab); Xte = encode([G[i] for i in te], vocab)
    ytr = torch.from_numpy(y_all[tr])
    m = FT(len(vocab) + 1, len(C))
    opt_e = torch.optim.SparseAdam(list(m.emb.parameters()), lr=LR); opt_o = torch.optim.Adam(m.out.parameters(), lr=LR)
    steps = EPOCHS * (-(-len(tr) // BS)); step = 0
    for ep in range(EPOCHS):
        order = rng.permutation(len(tr))
        for b in range(0, len(tr), BS):
            bi = order[b:b + BS]
            ids, offs = batchify([Xtr[i] for i in bi])
            lr = LR * (1 - step / steps); step += 1
            for o in (opt_e, opt_o):
                for g in o.param_groups: g["lr"] = lr
            loss = torch.nn.functional.cross_entropy(m(ids, offs), ytr[bi])
            opt_e.zero_grad(); opt_o.zero_grad(); loss.backward(); opt_e.step(); opt_o.step()
    with torch.no_grad():
        out = []
        for b in range(0, len(te), 512):
            ids, offs = batchify(Xte[b:b + 512]); out.append(torch.softmax(m(ids, offs), 1).numpy())
    return np.vstack(out)

from sklearn.metrics import accuracy_score, f1_score
ons = sys.argv[1:] or ["raw", "all"]
for on in ons:
    folds = data["folds"][on]
    if os.environ.get("ONEFOLD"): folds = folds[:1]
    P = np.full((len(labels), len(C)), np.nan); secs = []
    for tr, te in folds:
        t = time.perf_counter(); P[te] = fit_predict(tr, te); secs.append(time.perf_counter() - t)
    idx = np.concatenate([te for _, te in folds])
    cur = np.load(f"/tmp/nlp-exp/oof_current_{on}.npz")["proba"]
    pa = P[idx].argmax(1); ca = cur[idx].argmax(1); ea = (0.5 * P[idx] + 0.5 * cur[idx]).argmax(1)
    yt = y_all[idx]
    f = lambda p: (round(accuracy_score(yt, p), 4), round(f1_score(yt, p, average="macro"), 4))
    print(on, TAG, "ft", f(pa), "current", f(ca), "avg", f(ea), "ft_fit_s %.1f" % np.mean(secs), flush=True)
    if not os.environ.get("ONEFOLD"):
        np.savez(f"/tmp/nlp-exp/oof_{TAG}_{on}.npz", proba=P, secs=np.array(secs))
