"""Current features + dense pretrained doc-vector block (weight w) -> NBLinearSVC. No
calibration (argmax does not depend on the temperature), so predictions compare 1:1 with
the current model's saved OOF argmax."""
import sys, os, time, pickle
os.environ["OMP_NUM_THREADS"] = "1"; os.environ["OPENBLAS_NUM_THREADS"] = "1"
sys.path.insert(0, "/work/main"); sys.path.insert(0, "/tmp/nlp-exp")
import numpy as np, scipy.sparse as sp
from sklearn.metrics import accuracy_score, f1_score
from sklearn.feature_extraction.text import TfidfVectorizer
from minxin.nlp.pipeline import build_features, ModelConfig, NBLinearSVC
from harness import NBDense
from emb_member import docvec  # noqa (module runs nothing when argv empty? guard below)
d = pickle.load(open("/tmp/nlp-exp/cache_plain.pkl", "rb"))
norm = d["norm"]; labels = d["labels"].astype(str); C = np.unique(labels); y = np.searchsorted(C, labels)
on = sys.argv[1]; ws = [float(x) for x in sys.argv[2:]]
SEED = int(os.environ.get("SEED", 0))
if SEED:
    from harness import make_folds
    from types import SimpleNamespace
    rows = [SimpleNamespace(text=t, label=l, segmented=s) for t, l, s in d["rows"]]
    folds = make_folds(rows, norm, d["labels"], on, seed=SEED)
else:
    folds = d["folds"][on]
ws = [0.0] + ws if SEED else ws
P = {w: np.zeros(len(y), int) for w in ws}; secs = {w: [] for w in ws}
for tr, te in folds:
    t = time.perf_counter()
    feats = build_features(ModelConfig())
    Xtr = feats.fit_transform([norm[i] for i in tr]); Xte = feats.transform([norm[i] for i in te])
    tf = TfidfVectorizer(token_pattern=r"[^ ]+", sublinear_tf=True, min_df=2).fit([norm[i] for i in tr])
    Dtr = docvec(tf, [norm[i] for i in tr]); Dte = docvec(tf, [norm[i] for i in te])
    base_t = time.perf_counter() - t
    for w in ws:
        t = time.perf_counter()
        if w == 0.0:
            clf = NBLinearSVC().fit(Xtr, labels[tr]); P[w][te] = np.searchsorted(C, clf.predict(Xte)); continue
        clf = NBDense(Dtr.shape[1]).fit(sp.hstack([Xtr, sp.csr_matrix(w * Dtr)]).tocsr(), labels[tr])
        P[w][te] = np.searchsorted(C, clf.predict(sp.hstack([Xte, sp.csr_matrix(w * Dte)]).tocsr()))
        secs[w].append(base_t + time.perf_counter() - t)
idx = np.concatenate([te for _, te in folds]); yt = y[idx]
cur = P[0.0][idx] if SEED else np.load(f"/tmp/nlp-exp/oof_current_{on}.npz")["proba"][idx].argmax(1)
f = lambda p: (round(accuracy_score(yt, p), 4), round(f1_score(yt, p, average="macro"), 4))
print(on, "current", f(cur))
for w in ws:
    print(on, "nb+emb w=%.2f" % w, f(P[w][idx]), "fit_s(no calib) %.1f" % np.mean(secs[w]), flush=True)
