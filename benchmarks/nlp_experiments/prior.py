"""Prior-shift check: add log(prior_raw / prior_train) (raw prior estimated from the raw
rows of each training fold) to the current model's log-probs, for raw test rows only."""
import pickle, numpy as np
from sklearn.metrics import accuracy_score, f1_score
d = pickle.load(open("/tmp/nlp-exp/cache_plain.pkl", "rb"))
labels = d["labels"].astype(str); C = np.unique(labels); y = np.searchsorted(C, labels)
raw = np.array([not s for _, _, s in d["rows"]])
for on in ("raw", "all"):
    P = np.load(f"/tmp/nlp-exp/oof_current_{on}.npz")["proba"]
    for lam in (0.0, 0.5, 1.0):
        Q = P.copy()
        for tr, te in d["folds"][on]:
            pt = np.bincount(y[tr], minlength=len(C)) + 1.0; pt /= pt.sum()
            trr = tr[raw[tr]]
            pr = np.bincount(y[trr], minlength=len(C)) + 1.0; pr /= pr.sum()
            ter = te[raw[te]]
            Q[ter] = np.log(P[ter]) + lam * np.log(pr / pt)
        idx = np.concatenate([te for _, te in d["folds"][on]])
        p = Q[idx].argmax(1); yt = y[idx]
        print(on, "lam", lam, round(accuracy_score(yt, p), 4), round(f1_score(yt, p, average="macro"), 4),
              "raw-rows-only acc", round(accuracy_score(yt[raw[idx]], p[raw[idx]]), 4))
