"""Word vectors from the UNLABELLED files only (PPMI + truncated SVD, numpy/scipy)."""
import sys, os, csv, time, pickle
os.environ["OMP_NUM_THREADS"] = "1"; os.environ["OPENBLAS_NUM_THREADS"] = "1"
sys.path.insert(0, "/work/main")
import numpy as np, scipy.sparse as sp
from collections import Counter
from minxin.nlp.preprocess import normalize
D = "/work/shared/data"
t0 = time.perf_counter()
texts = []
for f in ("messages-unlabeled.csv", "messages-with-replies.csv", "messages-with-likes.csv"):
    with open(f"{D}/{f}", encoding="utf-8-sig", newline="") as fh:
        for r in csv.DictReader(fh):
            texts.append((r.get("title") or "") + "\n" + (r.get("text") or ""))
texts = list(dict.fromkeys(texts))
norm = [normalize(t, 2000) for t in texts]
print("docs", len(norm), "normalize s %.1f" % (time.perf_counter() - t0), flush=True)
docs = [t.split(" ") for t in norm if t]
cnt = Counter(w for d in docs for w in d)
vocab = {w: i for i, (w, c) in enumerate(cnt.most_common()) if c >= 3}
V = len(vocab); print("vocab", V, flush=True)
rows, cols = [], []
W = 5
for d in docs:
    ids = np.array([vocab.get(w, -1) for w in d])
    for k in range(1, W + 1):
        a, b = ids[:-k], ids[k:]
        m = (a >= 0) & (b >= 0)
        rows.append(a[m]); cols.append(b[m])
r = np.concatenate(rows); c = np.concatenate(cols)
M = sp.coo_matrix((np.ones(len(r)), (r, c)), shape=(V, V)).tocsr()
M = M + M.T
tot = M.sum(); rs = np.asarray(M.sum(1)).ravel(); cs = rs ** 0.75; cs = cs / cs.sum()
M = M.tocoo()
pmi = np.log(M.data * 1.0 / tot / (rs[M.row] / tot) / cs[M.col])
keep = pmi > 0
P = sp.csr_matrix((pmi[keep], (M.row[keep], M.col[keep])), shape=(V, V))
from sklearn.utils.extmath import randomized_svd
U, S, _ = randomized_svd(P, 200, n_iter=4, random_state=0)
E = U * np.sqrt(S)
E /= np.linalg.norm(E, axis=1, keepdims=True) + 1e-9
pickle.dump({"vocab": vocab, "E": E.astype(np.float32)}, open("/tmp/nlp-exp/wv.pkl", "wb"))
print("pretrain s %.1f" % (time.perf_counter() - t0))
inv = {i: w for w, i in vocab.items()}
for q in ["路灯", "工资", "物业", "医院", "噪音"]:
    if q in vocab:
        s = E @ E[vocab[q]]; print(q, [inv[i] for i in np.argsort(-s)[1:8]])
