"""Shared folds + OOF-score storage + the NB-SVM with a dense block. Same splits as minxin.nlp.evaluation.cross_validate."""
import os, sys, time, pickle
os.environ.setdefault("OMP_NUM_THREADS", "1"); os.environ.setdefault("MKL_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, "/work/main")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minxin.settings")
import numpy as np
from minxin.nlp.evaluation import read_labelled_csv, near_duplicates
from minxin.nlp.preprocess import normalize
from minxin.nlp.pipeline import NBLinearSVC
import scipy.sparse as sp
from sklearn.svm import LinearSVC

D = "/work/shared/data"
SEG = f"{D}/complaints-train-segmented.csv"; RAW = f"{D}/complaints-sample-raw.csv"
CACHE = "/tmp/nlp-exp/cache.pkl"

def load():
    if os.path.exists(CACHE):
        return pickle.load(open(CACHE, "rb"))
    rows = read_labelled_csv(SEG) + read_labelled_csv(RAW)
    t = time.perf_counter()
    norm = [normalize(r.text, 500) for r in rows]
    norm_per_row = (time.perf_counter() - t) / len(rows)
    labels = np.array([r.label for r in rows], dtype=object)
    data = {"rows": rows, "norm": norm, "labels": labels, "norm_per_row": norm_per_row,
            "folds": {}}
    for on in ("raw", "all"):
        data["folds"][on] = make_folds(rows, norm, labels, on)
    pickle.dump(data, open(CACHE, "wb"))
    return data

def groups_of(texts):
    """Near-duplicate groups (union-find over `near_duplicates`): one group id per text."""
    parent = list(range(len(texts)))
    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]; x = parent[x]
        return x
    for i, js in near_duplicates(texts, texts).items():
        for j in js:
            parent[find(i)] = find(j)
    return np.array([find(i) for i in range(len(texts))])

def make_folds(rows, normalized, labels, on, k=5, seed=0):
    from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold
    if on == "raw":
        pool = np.array([i for i, r in enumerate(rows) if not r.segmented])
        splits = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed).split(pool, labels[pool])
    else:
        pool = np.arange(len(rows))
        groups = groups_of(normalized)
        splits = StratifiedGroupKFold(n_splits=k, shuffle=True, random_state=seed).split(pool, labels[pool], groups[pool])
    folds = []
    for _, test_pos in splits:
        test_idx = pool[test_pos]
        ts = set(test_idx.tolist())
        train_idx = [i for i in range(len(rows)) if i not in ts]
        dupes = near_duplicates([normalized[i] for i in train_idx], [normalized[i] for i in test_idx])
        train_idx = np.array([i for n, i in enumerate(train_idx) if n not in dupes])
        folds.append((train_idx, test_idx))
    return folds

CLASSES = None
def classes(labels):
    return np.unique(labels.astype(str))

def save_oof(name, on, proba, extra=None):
    np.savez(f"/tmp/nlp-exp/oof_{name}_{on}.npz", proba=proba, **(extra or {}))

def metrics(y_true, y_pred):
    from sklearn.metrics import accuracy_score, f1_score
    return round(accuracy_score(y_true, y_pred), 4), round(f1_score(y_true, y_pred, average="macro"), 4)


class NBDense(NBLinearSVC):
    """NBLinearSVC whose last `n_dense` columns keep NB ratio 1."""
    def __init__(self, n_dense):
        super().__init__(); self.n_dense = n_dense
    def fit(self, X, y):
        X = sp.csr_matrix(X, dtype=np.float32); y = np.asarray(y)
        self.classes_, y_idx = np.unique(y, return_inverse=True)
        K, F = len(self.classes_), X.shape[1]
        B = X.copy(); B.data[:] = 1.0
        oh = sp.csr_matrix((np.ones(len(y_idx), np.float32), (y_idx, np.arange(len(y_idx)))), shape=(K, len(y_idx)))
        inc = np.asarray((oh @ B).todense(), dtype=np.float64); tot = inc.sum(0)
        coef = np.zeros((K, F), np.float32); b = np.zeros(K, np.float32)
        for c in range(K):
            p = 1 + inc[c]; q = 1 + tot - inc[c]
            r = np.log(p / p.sum()) - np.log(q / q.sum()); r[F - self.n_dense:] = 1.0
            svm = LinearSVC(C=1.0).fit(X.multiply(r.astype(np.float32)).tocsr(), (y_idx == c).astype(np.int8))
            coef[c] = svm.coef_[0] * r; b[c] = svm.intercept_[0]
        self.coef_ = coef; self.intercept_ = b; return self
