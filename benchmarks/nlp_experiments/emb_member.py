"""Doc vectors (tf-idf-weighted mean of pretrained word vectors) + multinomial LR; OOF probs;
ensembles with the current model's OOF probs at several weights."""
import sys, os, time, pickle
os.environ["OMP_NUM_THREADS"] = "1"; os.environ["OPENBLAS_NUM_THREADS"] = "1"
import numpy as np, scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
d = pickle.load(open("/tmp/nlp-exp/cache_plain.pkl", "rb")); wv = pickle.load(open("/tmp/nlp-exp/wv.pkl", "rb"))
norm = d["norm"]; labels = d["labels"].astype(str); C = np.unique(labels)
y = np.searchsorted(C, labels)
vocab, E = wv["vocab"], wv["E"]
def docvec(tfidf, texts):
    X = tfidf.transform(texts)
    feat = tfidf.get_feature_names_out()
    Emap = np.zeros((len(feat), E.shape[1]), np.float32)
    for j, w in enumerate(feat):
        i = vocab.get(w)
        if i is not None: Emap[j] = E[i]
    Dv = X @ Emap
    return Dv / (np.linalg.norm(Dv, axis=1, keepdims=True) + 1e-9)
TAG = os.environ.get("TAG", "emb")
for on in (sys.argv[1:] or ["raw", "all"]) if __name__ == "__main__" else []:
    folds = d["folds"][on]; P = np.full((len(y), len(C)), np.nan); secs = []
    for tr, te in folds:
        t = time.perf_counter()
        tf = TfidfVectorizer(token_pattern=r"[^ ]+", sublinear_tf=True, min_df=2).fit([norm[i] for i in tr])
        Xtr = docvec(tf, [norm[i] for i in tr]); Xte = docvec(tf, [norm[i] for i in te])
        lr = LogisticRegression(C=float(os.environ.get("LRC", 10)), max_iter=300).fit(Xtr, y[tr])
        P[te] = lr.predict_proba(Xte); secs.append(time.perf_counter() - t)
    idx = np.concatenate([te for _, te in folds]); yt = y[idx]
    cur = np.load(f"/tmp/nlp-exp/oof_current_{on}.npz")["proba"][idx]
    f = lambda p: (round(accuracy_score(yt, p.argmax(1)), 4), round(f1_score(yt, p.argmax(1), average="macro"), 4))
    print(on, TAG, "member", f(P[idx]), "current", f(cur), "fit_s %.1f" % np.mean(secs))
    for w in (0.1, 0.2, 0.3, 0.5):
        print("   avg w=%.1f" % w, f((1 - w) * cur + w * P[idx]))
    np.savez(f"/tmp/nlp-exp/oof_{TAG}_{on}.npz", proba=P, secs=np.array(secs))
