"""Current model vs. + USE-multilingual-v3 sentence embeddings (bundled offline weights).

Same folds as nlp-evaluate --cv 5 [--cv-on all] --seed 0. Per fold: the current model
(train_normalized, calibrated), an LR on the embeddings alone, probability averages of the
two, and the NB-SVM with the embeddings as an extra dense block (NB ratio 1, weight w).
usage: use_eval.py raw|all EMB_FILE [w ...]
"""
import os, sys, time
os.environ["OMP_NUM_THREADS"]="1"; os.environ["OPENBLAS_NUM_THREADS"]="1"
sys.path.insert(0, "/tmp/nlp-exp")
import numpy as np, scipy.sparse as sp
from harness import load, metrics, NBDense
from sklearn.linear_model import LogisticRegression
from minxin.nlp.pipeline import train_normalized, _softmax, build_features, ModelConfig

on, emb = sys.argv[1], sys.argv[2]; ws = [float(x) for x in sys.argv[3:]]
d = load(); norm = d["norm"]; labels = d["labels"].astype(str); C = np.unique(labels)
E = np.load(emb)
folds = d["folds"][on]; n = len(labels)
P_cur = np.zeros((n, len(C))); P_use = {c: np.zeros((n, len(C))) for c in (1.0, 10.0)}
P_nb = {w: np.zeros(n, int) for w in ws}; secs = {"cur": [], "nb": []}
for k, (tr, te) in enumerate(folds):
    t = time.perf_counter(); m = train_normalized([norm[i] for i in tr], labels[tr]); secs["cur"].append(time.perf_counter() - t)
    P_cur[te] = _softmax(m.pipeline.decision_function([norm[i] for i in te]), m.temperature)
    for c in P_use:
        lr = LogisticRegression(C=c, max_iter=2000).fit(E[tr], labels[tr]); P_use[c][te] = lr.predict_proba(E[te])
    if ws:
        feats = build_features(ModelConfig())
        Xtr = feats.fit_transform([norm[i] for i in tr]); Xte = feats.transform([norm[i] for i in te])
        for w in ws:
            t = time.perf_counter()
            clf = NBDense(E.shape[1]).fit(sp.hstack([Xtr, sp.csr_matrix(w * E[tr])]).tocsr(), labels[tr])
            P_nb[w][te] = np.searchsorted(C, clf.predict(sp.hstack([Xte, sp.csr_matrix(w * E[te])]).tocsr()))
            secs["nb"].append(time.perf_counter() - t)
    print("fold", k, "done", flush=True)
idx = np.concatenate([te for _, te in folds]); yt = labels[idx]
f = lambda p: metrics(yt, C[p])
print(on, emb, "current", f(P_cur[idx].argmax(1)), "train_s %.1f" % np.mean(secs["cur"]))
for c in P_use:
    print(on, "use-LR C=%g" % c, f(P_use[c][idx].argmax(1)))
    for a in (0.1, 0.2, 0.3, 0.4, 0.5):
        print(on, "  prob avg a=%.1f" % a, f(((1 - a) * P_cur[idx] + a * P_use[c][idx]).argmax(1)),
              " logavg", f(((1 - a) * np.log(P_cur[idx] + 1e-9) + a * np.log(P_use[c][idx] + 1e-9)).argmax(1)))
for w in ws:
    print(on, "nb+use w=%.2f" % w, f(P_nb[w][idx]), "fit_s %.1f" % np.mean(secs["nb"]))
np.savez(f"/tmp/nlp-exp/oof_use_{on}_{os.path.basename(emb)}", cur=P_cur, use1=P_use[1.0], use10=P_use[10.0])
