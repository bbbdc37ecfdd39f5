import pickle, numpy as np
from sklearn.metrics import accuracy_score, f1_score
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
d = pickle.load(open("/tmp/nlp-exp/cache_plain.pkl", "rb"))
labels = d["labels"].astype(str); C = np.unique(labels); y = np.searchsorted(C, labels)
for on in ("raw", "all"):
    idx = np.concatenate([te for _, te in d["folds"][on]]); yt = y[idx]
    P = {k: np.load(f"/tmp/nlp-exp/oof_{k}_{on}.npz")["proba"][idx] for k in ("current", "ft", "emb")}
    f = lambda p: (round(accuracy_score(yt, p.argmax(1)), 4), round(f1_score(yt, p.argmax(1), average="macro"), 4))
    cur_ok = P["current"].argmax(1) == yt; ft_ok = P["ft"].argmax(1) == yt
    print(on, "current wrong & ft right", int((~cur_ok & ft_ok).sum()), " current right & ft wrong", int((cur_ok & ~ft_ok).sum()), "n", len(yt))
    L = {k: np.log(np.clip(v, 1e-9, 1)) for k, v in P.items()}
    for w in (0.1, 0.2, 0.3):
        print("  ft avg w=%.1f" % w, f((1 - w) * P["current"] + w * P["ft"]), " logavg", f((1 - w) * L["current"] + w * L["ft"]))
    print("  current+ft+emb (0.6/0.2/0.2)", f(0.6 * P["current"] + 0.2 * P["ft"] + 0.2 * P["emb"]))
    Z = np.hstack([L["current"], L["ft"], L["emb"]])
    sp = cross_val_predict(LogisticRegression(C=1.0, max_iter=1000), Z, yt,
                           cv=StratifiedKFold(5, shuffle=True, random_state=1), method="predict_proba")
    print("  stacked LR (cross-fitted over OOF)", f(sp))
